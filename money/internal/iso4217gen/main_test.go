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
	_, err = l.apply(amendments)
	require.NoError(t, err)
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
		{"signed numeric", doc(entry("AAA", "-01", "2")), "malformed numeric code"},
		{"minor unit 5", doc(entry("AAA", "001", "5")), "unexpected minor unit"},
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
	notes, err := l.apply(amendments)
	require.NoError(t, err)
	assert.Contains(t, notes, "amendment already in source: XCG present; delete it from amendments.go")
	assert.Contains(t, notes, "amendment already in source: ANG absent (kept as withdrawn)")
	assert.Equal(t, 2, l.Withdrawn["ANG"].Digits)
	assert.Equal(t, -1, l.Currencies["XAU"].Digits)
	assert.Len(t, l.Currencies, 2)
	assert.Contains(t, l.Withdrawn, "ANG")
}

func TestAmendmentsThatContradictTheSourceAreFatal(t *testing.T) {
	src := `<ISO_4217 Pblshd="2020-01-01"><CcyTbl>` +
		`<CcyNtry><CtryNm>BULGARIA</CtryNm><CcyNm>Bulgarian Lev</CcyNm><Ccy>BGN</Ccy><CcyNbr>975</CcyNbr><CcyMnrUnts>2</CcyMnrUnts></CcyNtry>` +
		`</CcyTbl></ISO_4217>`
	tests := []struct {
		name string
		a    amendment
		err  string
	}{
		{"withdrawal with other digits", amendment{Code: "BGN", Withdraw: true, Digits: "3"}, "says 3 digits, the source says 2"},
		{"withdrawal without digits", amendment{Code: "BGN", Withdraw: true}, "unexpected minor unit"},
		{"addition malformed", amendment{Code: "xcg", Numeric: "532", Digits: "2"}, "malformed currency code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := parseList(strings.NewReader(src))
			require.NoError(t, err)
			_, err = l.apply([]amendment{tt.a})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}
