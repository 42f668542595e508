package registry_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/registry"
)

const module = "github.com/paygate-go/paygate"

// TestNothingOutsideTheRegistryNamesAProvider keeps the registry the one list: outside the registry
// and each provider's own folder, no Go file (tests aside) imports an adapter or its simulator, and
// none switches on a provider's name. A new provider then needs its folder and one line here.
func TestNothingOutsideTheRegistryNamesAProvider(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	names := registry.Names()
	require.NotEmpty(t, names)
	own := map[string]bool{"provider/registry": true}
	adapters := map[string]bool{}
	for _, n := range names {
		own["provider/"+n] = true
		adapters[module+"/provider/"+n] = true
		adapters[module+"/provider/"+n+"/"+n+"test"] = true
	}
	caseOnName := regexp.MustCompile(`\bcase\b[^:]*"(` + strings.Join(names, "|") + `)"`)

	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || own[rel] {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			assert.False(t, adapters[p], "%s imports %s: read the provider from provider/registry instead", rel, p)
		}
		for i, line := range strings.Split(string(src), "\n") {
			assert.False(t, caseOnName.MatchString(line), "%s:%d switches on a provider's name: %s", rel, i+1, strings.TrimSpace(line))
		}
		checked++
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, checked, 50, "the walk must have seen the module's files")
}
