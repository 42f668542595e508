package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed table must be exactly what the generator makes from the committed source: nobody edits
// the table by hand, and a changed source or amendment is regenerated.
func TestCommittedTableIsGenerated(t *testing.T) {
	f, err := os.Open("list-one.xml")
	require.NoError(t, err)
	defer f.Close()
	l, err := parseList(f)
	require.NoError(t, err)
	l.apply(amendments)
	want, err := l.render()
	require.NoError(t, err)
	got, err := os.ReadFile("../../iso4217_table.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "run: go generate ./money/")
}

func TestParseListRefusesInconsistentSources(t *testing.T) {
	entry := func(code, num, minor string) string {
		return "<CcyNtry><CtryNm>X</CtryNm><CcyNm>N</CcyNm><Ccy>" + code + "</Ccy><CcyNbr>" + num + "</CcyNbr><CcyMnrUnts>" + minor + "</CcyMnrUnts></CcyNtry>"
	}
	doc := func(entries ...string) string {
		return `<ISO_4217 Pblshd="2030-01-01"><CcyTbl>` + strings.Join(entries, "") + `</CcyTbl></ISO_4217>`
	}
	tests := []struct{ name, xml, err string }{
		{"rows disagree", doc(entry("AAA", "001", "2"), entry("AAA", "001", "3")), "rows disagree"},
		{"bad code", doc(entry("aaa", "001", "2")), "malformed currency code"},
		{"bad minor", doc(entry("AAA", "001", "two")), "unexpected minor unit"},
		{"bad numeric", doc(entry("AAA", "1", "2")), "malformed numeric code"},
		{"not a list", `<other/>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseList(strings.NewReader(tt.xml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestAmendmentsAreSkippedWhenTheSourceHasThem(t *testing.T) {
	src := `<ISO_4217 Pblshd="2030-01-01"><CcyTbl>` +
		`<CcyNtry><CtryNm>CURAÇAO</CtryNm><CcyNm>Caribbean Guilder</CcyNm><Ccy>XCG</Ccy><CcyNbr>532</CcyNbr><CcyMnrUnts>2</CcyMnrUnts></CcyNtry>` +
		`<CcyNtry><CtryNm>GOLD</CtryNm><CcyNm>Gold</CcyNm><Ccy>XAU</Ccy><CcyNbr>959</CcyNbr><CcyMnrUnts>N.A.</CcyMnrUnts></CcyNtry>` +
		`<CcyNtry><CtryNm>ANTARCTICA</CtryNm><CcyNm>No universal currency</CcyNm></CcyNtry>` +
		`</CcyTbl></ISO_4217>`
	l, err := parseList(strings.NewReader(src))
	require.NoError(t, err)
	notes := l.apply(amendments)
	assert.Contains(t, notes, "amendment already in source: XCG present; delete it from amendments.go")
	assert.Contains(t, notes, "amendment already in source: ANG absent (kept as a hint)")
	assert.Equal(t, -1, l.Currencies["XAU"].Digits)
	assert.Len(t, l.Currencies, 2)
	assert.Contains(t, l.Withdrawn, "ANG")
}
