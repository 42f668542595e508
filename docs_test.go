package paygate

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/status"
)

// Every package has a package comment and every exported name in the module has a doc comment: a
// method on an unexported type is exempt, a constant may use a trailing line comment.
func TestEveryExportedNameHasADocComment(t *testing.T) {
	fset := token.NewFileSet()
	pkgDoc := map[string]bool{} // directory → has a package comment
	var missing []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		pkgDoc[dir] = pkgDoc[dir] || f.Doc != nil
		missing = append(missing, undocumented(fset, f)...)
		return nil
	})
	require.NoError(t, err)
	for dir, ok := range pkgDoc {
		assert.True(t, ok, "package in %s has no package comment", dir)
	}
	assert.Empty(t, missing, "exported names without a doc comment")
}

func undocumented(fset *token.FileSet, f *ast.File) []string {
	var out []string
	report := func(pos token.Pos, name string) {
		out = append(out, fset.Position(pos).String()+": "+name)
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() || d.Doc != nil {
				continue
			}
			if d.Recv != nil && !ast.IsExported(receiverType(d.Recv.List[0].Type)) {
				continue
			}
			report(d.Pos(), d.Name.Name)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() && s.Doc == nil && d.Doc == nil {
						report(s.Pos(), s.Name.Name)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() && s.Doc == nil && s.Comment == nil && (d.Doc == nil || len(d.Specs) > 1) {
							report(n.Pos(), n.Name)
						}
					}
				}
			}
		}
	}
	return out
}

func receiverType(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverType(t.X)
	case *ast.IndexExpr:
		return receiverType(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// The README's code table must list every normalized code, so the catalog and the docs cannot drift.
func TestREADMEListsEveryCode(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, c := range status.Codes() {
		assert.Contains(t, string(readme), "| `"+string(c)+"` |", "README's code table lacks %s", c)
	}
}

// readmeSnippet is one ```go block of README.md.
type readmeSnippet struct {
	line int // where its code starts
	code string
}

// readmeGoSnippets returns README.md's ```go blocks.
func readmeGoSnippets(t *testing.T) []readmeSnippet {
	t.Helper()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	var out []readmeSnippet
	var cur *readmeSnippet
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &readmeSnippet{line: i + 2}
		case cur != nil && strings.TrimSpace(line) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	require.Nil(t, cur, "README.md: a ```go block is not closed")
	return out
}

var (
	packageClause = regexp.MustCompile(`(?m)^package (\w+)`)
	importBlock   = regexp.MustCompile(`(?s)^\s*(import \([^)]*\)|import "[^"]*")\n`)
)

// snippetFile is the Go file a README snippet is compiled as. The rule, for whoever writes README:
// a block with a package clause is a whole file and compiles as written (package main: a program;
// a package ending in _test: a test file whose tests also run). A block without one is a fragment:
// its leading import declaration, if any, stays at the top, and the rest becomes the body of a
// function, so a fragment declares every name it uses and uses every variable it declares.
func snippetFile(code string) (name, src string) {
	if m := packageClause.FindStringSubmatch(code); m != nil {
		if strings.HasSuffix(m[1], "_test") {
			return "snippet_test.go", code
		}
		return "snippet.go", code
	}
	imports := ""
	if m := importBlock.FindStringSubmatchIndex(code); m != nil {
		imports, code = code[m[2]:m[3]], code[m[1]:]
	}
	return "snippet.go", "package snippet\n\n" + imports + "\n\nfunc _() {\n" + code + "}\n"
}

// Every Go snippet in README.md compiles, passes go vet, and (test files) passes its tests, in a
// module of its own that requires this one, as a merchant's code would.
func TestREADMEGoSnippetsCompile(t *testing.T) {
	snippets := readmeGoSnippets(t)
	require.NotEmpty(t, snippets)
	root, err := filepath.Abs(".")
	require.NoError(t, err)
	dir := t.TempDir()
	mod := fmt.Sprintf("module readme.example\n\ngo 1.26\n\nrequire github.com/paygate-go/paygate v0.0.0\n\nreplace github.com/paygate-go/paygate => %s\n", root)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o600))
	sum, err := os.ReadFile("go.sum")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o600))
	where := map[string]int{} // package directory → README line
	for i, s := range snippets {
		pkg := fmt.Sprintf("snippet%02d", i+1)
		require.NoError(t, os.Mkdir(filepath.Join(dir, pkg), 0o700))
		name, src := snippetFile(s.code)
		require.NoError(t, os.WriteFile(filepath.Join(dir, pkg, name), []byte(src), 0o600))
		where[pkg] = s.line
	}
	goCmd := func(args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		// Everything comes from this repository and the module cache its own build filled.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	report := func(out string) string { // point at README lines, not temp files
		for pkg, line := range where {
			out = strings.ReplaceAll(out, pkg+"/", fmt.Sprintf("README.md (block at line %d) ", line))
		}
		return out
	}
	out, err := goCmd("vet", "./...")
	require.NoError(t, err, "README snippets do not compile or vet:\n%s", report(out))
	out, err = goCmd("test", "-count=1", "./...")
	assert.NoError(t, err, "README snippet tests:\n%s", report(out))
}

// The wrapping rule for fragments, on its own.
func TestSnippetFile(t *testing.T) {
	name, src := snippetFile("import \"fmt\"\nfmt.Println(1)\n")
	assert.Equal(t, "snippet.go", name)
	assert.Equal(t, "package snippet\n\nimport \"fmt\"\n\nfunc _() {\nfmt.Println(1)\n}\n", src)
	name, _ = snippetFile("package shop_test\n")
	assert.Equal(t, "snippet_test.go", name)
	name, src = snippetFile("package main\nfunc main() {}\n")
	assert.Equal(t, "snippet.go", name)
	assert.Equal(t, "package main\nfunc main() {}\n", src)
}
