module github.com/onchaincert/microcred/interop

go 1.24.0

require (
	github.com/decred/dcrd/dcrec/secp256k1/v4 v4.4.1
	github.com/stretchr/testify v1.12.1
)

require golang.org/x/crypto v0.45.0 // indirect

require (
	github.com/onchaincert/microcred v0.0.0
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace github.com/onchaincert/microcred => ../
