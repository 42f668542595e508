package antomtest

import (
	"encoding/json"
	"slices"
)

// KeyPaths returns every key path of a JSON document, sorted: "a", "a.b", "a[].c". Tests use it to
// compare the fields of a request, reply or notification with the table of documented ones.
func KeyPaths(body []byte) ([]string, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				out = append(out, p)
				walk(p, e)
			}
		case []any:
			for _, e := range x {
				walk(prefix+"[]", e)
			}
		}
	}
	walk("", v)
	slices.Sort(out)
	return out, nil
}
