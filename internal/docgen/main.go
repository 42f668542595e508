// Command docgen writes the README's generated blocks from the adapters' own tables: what each provider
// offers (block "capabilities", from its Capabilities declaration), how each provider's payment and
// refund statuses map (block "status-mapping") and each provider's result codes with their outcome,
// normalized code and advice (block "result-codes"). The tables are the adapters' Capabilities,
// CodeTable, PaymentStatusTable and RefundStatusTable, which read what the adapters decide with, so the
// README says what the code does.
//
// Run it with `go generate ./...` (the directive is in the module root's generate.go). A block sits
// between the lines
//
//	<!-- BEGIN GENERATED: <name> (go generate; do not edit) -->
//	<!-- END GENERATED: <name> -->
//
// and only the text between them is rewritten. With -check it writes nothing and exits 1 when
// README.md is stale; the package's test does the same check in go test.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	check := flag.Bool("check", false, "write nothing; exit 1 if README.md is stale")
	flag.Parse()
	if err := run(*check); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(check bool) error {
	path, err := readmePath()
	if err != nil {
		return err
	}
	readme, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	blocks, err := render(sources())
	if err != nil {
		return err
	}
	if check {
		return stale(readme, blocks)
	}
	out, err := splice(readme, blocks)
	if err != nil {
		return err
	}
	if bytes.Equal(out, readme) {
		return nil
	}
	return os.WriteFile(path, out, 0o644)
}

// readmePath is README.md at the module root: the first directory up from the working directory that
// holds go.mod.
func readmePath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "README.md"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it")
		}
		dir = parent
	}
}

// block is one generated part of the README: its marker name and its text, without the markers.
type block struct {
	name, body string
}

func beginMarker(name string) string {
	return "<!-- BEGIN GENERATED: " + name + " (go generate; do not edit) -->"
}

func endMarker(name string) string { return "<!-- END GENERATED: " + name + " -->" }

// splice returns doc with the text between each block's markers replaced by the block. Each marker
// must be on a line of its own, exactly once, the end after the begin.
func splice(doc []byte, blocks []block) ([]byte, error) {
	text := string(doc)
	for _, b := range blocks {
		start, end, err := locate(text, b.name)
		if err != nil {
			return nil, err
		}
		text = text[:start] + "\n" + b.body + "\n" + text[end:]
	}
	return []byte(text), nil
}

// locate returns where the text between a block's marker lines starts (just after the begin line)
// and ends (at the start of the end line).
func locate(text, name string) (start, end int, err error) {
	lineAt := func(marker string) (int, error) {
		line := "\n" + marker + "\n"
		switch n := strings.Count("\n"+text+"\n", line); n {
		case 0:
			return 0, fmt.Errorf("README.md has no line %q", marker)
		case 1:
			return strings.Index("\n"+text+"\n", line), nil // the index in text of the marker's line
		default:
			return 0, fmt.Errorf("README.md has %d lines %q; want one", n, marker)
		}
	}
	b, err := lineAt(beginMarker(name))
	if err != nil {
		return 0, 0, err
	}
	e, err := lineAt(endMarker(name))
	if err != nil {
		return 0, 0, err
	}
	start = b + len(beginMarker(name)) + 1
	if e < start {
		return 0, 0, fmt.Errorf("README.md's block %q ends before it begins", name)
	}
	return start, e, nil
}

// stale returns an error naming every block whose text in doc differs from what is generated, with
// the first line that differs, or nil when doc is up to date.
func stale(doc []byte, blocks []block) error {
	text := string(doc)
	var problems []string
	for _, b := range blocks {
		start, end, err := locate(text, b.name)
		if err != nil {
			return err
		}
		if got, want := text[start:end], "\n"+b.body+"\n"; got != want {
			problems = append(problems, fmt.Sprintf("block %q differs: %s", b.name, firstDifference(got, want)))
		}
	}
	if problems != nil {
		return fmt.Errorf("README.md is stale: run go generate ./...\n%s", strings.Join(problems, "\n"))
	}
	return nil
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d of the block is\n\t%s\nwant\n\t%s", i, gl, wl)
		}
	}
	return "the blocks differ"
}
