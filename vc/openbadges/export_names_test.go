package openbadges

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const SchemaClrAchievementCredential = schemaClrAchievementCredential
const SchemaClrCredential = schemaClrCredential
const SchemaClrEndorsementCredential = schemaClrEndorsementCredential
const ValidatorType = validatorType

var ErrIncomplete = errIncomplete
var ErrInvalid = errInvalid

const SchemaAchievementCredential = schemaAchievementCredential
const SchemaEndorsementCredential = schemaEndorsementCredential
