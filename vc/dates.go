package vc

import (
	"fmt"
	"regexp"
	"time"
)

// dateTimeStamp is the lexical form VCDM 2.0 §4.9 requires of validFrom
// and validUntil: XML Schema 1.1 dateTimeStamp, an xsd:dateTime with a
// mandatory time zone. The same form is required of VCDM 1.1's
// issuanceDate and expirationDate here: without a zone the instant would
// depend on the reader's location.
var dateTimeStamp = regexp.MustCompile(`^-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])` +
	`T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))` +
	`(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$`)

// parseDateTime parses an XML Schema dateTimeStamp. Years outside
// 0000-9999 are refused (time.Time cannot format them in RFC 3339), and
// 24:00:00 is midnight at the end of the day, as XML Schema defines it.
func parseDateTime(s string) (time.Time, error) {
	if !dateTimeStamp.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not an XML Schema dateTime with a time zone", s)
	}
	if s[0] == '-' || s[4] != '-' {
		return time.Time{}, fmt.Errorf("%q: year outside 0000-9999", s)
	}
	endOfDay := s[11:13] == "24"
	if endOfDay {
		s = s[:11] + "00" + s[13:]
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// The form matched, so the date itself does not exist (31 April).
		return time.Time{}, fmt.Errorf("%q is not a valid date", s)
	}
	if endOfDay {
		t = t.Add(24 * time.Hour)
	}
	return t, nil
}
