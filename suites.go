package microcred

import (
	"errors"

	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
)

// DefaultSuites returns every proof suite the module verifies, for
// [Trusted.Suites]: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019,
// ecdsa-jcs-2019, ecdsa-sd-2023 (selectively disclosed credentials, see
// [RequireDisclosure]), Ed25519Signature2020 and
// EcdsaSecp256k1Signature2019. The RDF suites canonicalize with contexts
// from loader only (contexts.Default() is the embedded set); nothing is
// fetched. It is the set the microcred CLI verifies with.
func DefaultSuites(loader proof.ContextLoader) ([]proof.Suite, error) {
	if loader == nil {
		return nil, errors.New("microcred: DefaultSuites(nil)")
	}
	rdfc, err := eddsa2022.NewRDFC(loader)
	if err != nil {
		return nil, err
	}
	ecdsaRDFC, err := ecdsa2019.NewRDFC(loader)
	if err != nil {
		return nil, err
	}
	sd, err := ecdsasd2023.New(loader)
	if err != nil {
		return nil, err
	}
	ed2020, err := legacy.NewEd25519Signature2020(loader)
	if err != nil {
		return nil, err
	}
	k1, err := legacy.NewEcdsaSecp256k1Signature2019(loader)
	if err != nil {
		return nil, err
	}
	return []proof.Suite{rdfc, eddsa2022.NewJCS(), ecdsaRDFC, ecdsa2019.NewJCS(), sd, ed2020, k1}, nil
}
