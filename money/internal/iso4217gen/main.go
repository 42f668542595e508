// Command iso4217gen writes money's ISO 4217 table (iso4217_table.go) from ISO 4217 List One.
//
// The source is the XML the ISO 4217 maintenance agency (SIX) publishes, committed here as
// list-one.xml, plus the amendments in amendments.go that ISO published after that copy. Run it with
// `go generate ./money/`. To refresh the source, replace list-one.xml with a newer list — from SIX
// (https://www.six-group.com/dam/download/financial-information/data-center/iso-currrency/lists/list-one.xml)
// or from the npm package currency-codes, which ships the same file as iso-4217-list-one.xml — then
// regenerate; amendments the new list already contains are reported and skipped.
package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("xml", "internal/iso4217gen/list-one.xml", "ISO 4217 List One XML")
	out := flag.String("out", "iso4217_table.go", "Go file to write")
	flag.Parse()

	f, err := os.Open(*src)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	list, err := parseList(f)
	if err != nil {
		log.Fatalf("%s: %v", *src, err)
	}
	for _, note := range list.apply(amendments) {
		log.Print(note)
	}
	code, err := list.render()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		log.Fatal(err)
	}
}

// currency is one alphabetic code of List One. Digits is -1 where ISO gives "N.A." (no minor unit).
type currency struct {
	Code, Numeric, Name string
	Digits              int
}

// list is List One reduced to one row per code, plus codes withdrawn by amendments.
type list struct {
	Published  string
	Currencies map[string]currency
	Withdrawn  map[string]string // code → note
}

// parseList reads the SIX XML schema: ISO_4217[Pblshd]/CcyTbl/CcyNtry{CtryNm, CcyNm, Ccy, CcyNbr, CcyMnrUnts}.
// A code appears once per country; every row of a code must agree, or the source is not trusted.
func parseList(r io.Reader) (*list, error) {
	var doc struct {
		Published string `xml:"Pblshd,attr"`
		Entries   []struct {
			Name    string `xml:"CcyNm"`
			Code    string `xml:"Ccy"`
			Numeric string `xml:"CcyNbr"`
			Minor   string `xml:"CcyMnrUnts"`
		} `xml:"CcyTbl>CcyNtry"`
	}
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, err
	}
	if doc.Published == "" || len(doc.Entries) == 0 {
		return nil, errors.New("not an ISO 4217 List One document (no Pblshd or no CcyNtry)")
	}
	l := &list{Published: doc.Published, Currencies: map[string]currency{}, Withdrawn: map[string]string{}}
	for _, e := range doc.Entries {
		if e.Code == "" { // "No universal currency" rows (Antarctica, Palestine, …)
			continue
		}
		c, err := newCurrency(e.Code, strings.TrimSpace(e.Numeric), strings.TrimSpace(e.Minor), strings.TrimSpace(e.Name))
		if err != nil {
			return nil, err
		}
		if prev, ok := l.Currencies[c.Code]; ok {
			if prev.Digits != c.Digits || prev.Numeric != c.Numeric {
				return nil, fmt.Errorf("%s: rows disagree (%s/%d vs %s/%d)", c.Code, prev.Numeric, prev.Digits, c.Numeric, c.Digits)
			}
			continue
		}
		l.Currencies[c.Code] = c
	}
	return l, nil
}

func newCurrency(code, numeric, minor, name string) (currency, error) {
	if len(code) != 3 || strings.ToUpper(code) != code || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return currency{}, fmt.Errorf("malformed currency code %q", code)
	}
	if _, err := strconv.Atoi(numeric); err != nil || len(numeric) != 3 {
		return currency{}, fmt.Errorf("%s: malformed numeric code %q", code, numeric)
	}
	digits := -1
	if minor != "N.A." {
		d, err := strconv.Atoi(minor)
		if err != nil || d < 0 || d > 4 {
			return currency{}, fmt.Errorf("%s: unexpected minor unit %q", code, minor)
		}
		digits = d
	}
	return currency{Code: code, Numeric: numeric, Name: name, Digits: digits}, nil
}

// apply applies the amendments and returns one note per amendment saying what happened.
func (l *list) apply(as []amendment) []string {
	var notes []string
	for _, a := range as {
		_, present := l.Currencies[a.Code]
		switch {
		case a.Withdraw && present:
			delete(l.Currencies, a.Code)
			l.Withdrawn[a.Code] = a.Note
			notes = append(notes, "amendment applied: withdrew "+a.Code)
		case a.Withdraw:
			l.Withdrawn[a.Code] = a.Note
			notes = append(notes, "amendment already in source: "+a.Code+" absent (kept as a hint)")
		case present:
			notes = append(notes, "amendment already in source: "+a.Code+" present; delete it from amendments.go")
		default:
			c, err := newCurrency(a.Code, a.Numeric, a.Digits, a.Name)
			if err != nil {
				notes = append(notes, "amendment rejected: "+err.Error())
				continue
			}
			l.Currencies[a.Code] = c
			notes = append(notes, "amendment applied: added "+a.Code)
		}
	}
	for code, note := range retiredHints {
		if _, present := l.Currencies[code]; !present {
			l.Withdrawn[code] = note
		}
	}
	return notes
}

// render writes the table as gofmt-ed Go source, sorted so regeneration is byte-stable.
func (l *list) render() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by iso4217gen from ISO 4217 List One (published %s) and its later amendments. DO NOT EDIT.\n\n", l.Published)
	b.WriteString("package money\n\n")
	fmt.Fprintf(&b, "// isoListPublished is the publication date of the ISO 4217 List One the table starts from;\n// internal/iso4217gen/amendments.go lists what changed since.\nconst isoListPublished = %q\n\n", l.Published)

	codes := make([]string, 0, len(l.Currencies))
	for c := range l.Currencies {
		codes = append(codes, c)
	}
	slices.Sort(codes)

	b.WriteString("// isoDigits maps every active ISO 4217 code that has a minor unit to its number of decimal digits.\nvar isoDigits = map[string]int{\n")
	for _, code := range codes {
		if c := l.Currencies[code]; c.Digits >= 0 {
			fmt.Fprintf(&b, "\t%q: %d, // %s %s\n", code, c.Digits, c.Numeric, c.Name)
		}
	}
	b.WriteString("}\n\n")

	b.WriteString("// isoNoMinorUnit lists active ISO 4217 codes whose minor unit is \"N.A.\" (precious metals, bond\n// market units, SDR, testing, no currency): valid codes, but not amounts anyone can be charged.\nvar isoNoMinorUnit = map[string]string{\n")
	for _, code := range codes {
		if c := l.Currencies[code]; c.Digits < 0 {
			fmt.Fprintf(&b, "\t%q: %q,\n", code, c.Name)
		}
	}
	b.WriteString("}\n\n")

	withdrawn := make([]string, 0, len(l.Withdrawn))
	for c := range l.Withdrawn {
		withdrawn = append(withdrawn, c)
	}
	slices.Sort(withdrawn)
	b.WriteString("// isoWithdrawn explains codes that are no longer in ISO 4217 and names their successor.\nvar isoWithdrawn = map[string]string{\n")
	for _, code := range withdrawn {
		fmt.Fprintf(&b, "\t%q: %q,\n", code, l.Withdrawn[code])
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
