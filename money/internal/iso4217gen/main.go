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
	list, err := parseList(f)
	f.Close()
	if err != nil {
		log.Fatalf("%s: %v", *src, err)
	}
	notes, err := list.apply(amendments)
	for _, note := range notes {
		log.Print(note)
	}
	if err != nil {
		log.Fatal(err)
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
	Withdrawn  map[string]withdrawn
}

// withdrawn is a code no longer in List One. Digits is -1 when money refuses the code altogether.
type withdrawn struct {
	Digits int
	Note   string
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
	l := &list{Published: doc.Published, Currencies: map[string]currency{}, Withdrawn: map[string]withdrawn{}}
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
	if len(code) != 3 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return currency{}, fmt.Errorf("malformed currency code %q", code)
	}
	if len(numeric) != 3 || strings.Trim(numeric, "0123456789") != "" {
		return currency{}, fmt.Errorf("%s: malformed numeric code %q", code, numeric)
	}
	digits, err := minorUnit(minor)
	if err != nil {
		return currency{}, fmt.Errorf("%s: %w", code, err)
	}
	return currency{Code: code, Numeric: numeric, Name: name, Digits: digits}, nil
}

// minorUnit reads CcyMnrUnts: a digit 0–4, or "N.A." (-1).
func minorUnit(s string) (int, error) {
	if s == "N.A." {
		return -1, nil
	}
	if len(s) != 1 || s[0] < '0' || s[0] > '4' {
		return 0, fmt.Errorf("unexpected minor unit %q", s)
	}
	return int(s[0] - '0'), nil
}

// apply applies the amendments. It returns one note per amendment saying what happened, and an error
// if an amendment is malformed or contradicts the source: the table must not be written then.
func (l *list) apply(as []amendment) ([]string, error) {
	var notes []string
	for _, a := range as {
		current, present := l.Currencies[a.Code]
		switch {
		case a.Withdraw:
			digits, err := minorUnit(a.Digits)
			if err != nil {
				return notes, fmt.Errorf("amendment %s: %w", a.Code, err)
			}
			if present && current.Digits != digits {
				return notes, fmt.Errorf("amendment %s: says %d digits, the source says %d", a.Code, digits, current.Digits)
			}
			delete(l.Currencies, a.Code)
			l.Withdrawn[a.Code] = withdrawn{Digits: digits, Note: a.Note}
			if present {
				notes = append(notes, "amendment applied: withdrew "+a.Code)
			} else {
				notes = append(notes, "amendment already in source: "+a.Code+" absent (kept as withdrawn)")
			}
		case present:
			notes = append(notes, "amendment already in source: "+a.Code+" present; delete it from amendments.go")
		default:
			c, err := newCurrency(a.Code, a.Numeric, a.Digits, a.Name)
			if err != nil {
				return notes, fmt.Errorf("amendment: %w", err)
			}
			l.Currencies[a.Code] = c
			notes = append(notes, "amendment applied: added "+a.Code)
		}
	}
	for code, note := range retiredHints {
		if _, present := l.Currencies[code]; !present {
			l.Withdrawn[code] = withdrawn{Digits: -1, Note: note}
		}
	}
	return notes, nil
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
	b.WriteString("// isoWithdrawn explains codes that are no longer in ISO 4217 and names their successor. A code with\n// digits >= 0 left recently: amounts in it are still accepted, so old payments can be refunded.\nvar isoWithdrawn = map[string]withdrawal{\n")
	for _, code := range withdrawn {
		w := l.Withdrawn[code]
		fmt.Fprintf(&b, "\t%q: {digits: %d, note: %q},\n", code, w.Digits, w.Note)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
