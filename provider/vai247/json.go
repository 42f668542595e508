package vai247

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// member is one name/value pair of a JSON object the adapter writes. Names come from the wire table.
type member struct {
	name  string
	value json.RawMessage
}

// object writes members as a JSON object, in order.
func object(members ...member) []byte {
	n := 2
	for _, m := range members {
		n += len(m.name) + len(m.value) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, m := range members {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, m.name)
		b = append(b, ':')
		b = append(b, m.value...)
	}
	return append(b, '}')
}

// jstr is s as a JSON string.
func jstr(s string) json.RawMessage { return appendString(make([]byte, 0, len(s)+2), s) }

// appendString appends s as a JSON string, byte for byte what json.Marshal writes. Printable ASCII
// that json.Marshal leaves alone (the usual ids, codes and names) is copied as is; anything else goes
// through json.Marshal.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// fields is a JSON object the adapter reads, by the wire table's names: its members in order, each
// name in its JSON form (quotes included) and each value the raw bytes of the body.
type fields []field

type field struct {
	name  []byte
	value json.RawMessage
}

// decodeObject reads body as one JSON object (nothing after it). It answers what json.Unmarshal into
// a map[string]json.RawMessage would, without copying each member: json.Valid checks the whole body
// first, so the split below only ever walks well-formed JSON.
func decodeObject(body []byte) (fields, error) {
	if !json.Valid(body) {
		var v any
		return nil, fmt.Errorf("the body is not a JSON object: %w", json.Unmarshal(body, &v))
	}
	i := skipSpace(body, 0)
	switch body[i] {
	case '{':
	case 'n':
		return nil, errors.New("the body is JSON null, not an object")
	default:
		return nil, errors.New("the body is a JSON value but not an object")
	}
	f := make(fields, 0, 8)
	for i = skipSpace(body, i+1); body[i] != '}'; {
		name := i
		i = skipValue(body, i)
		nameEnd := i
		i = skipSpace(body, skipSpace(body, i)+1) // the ':' between name and value
		value := i
		i = skipValue(body, i)
		f = append(f, field{name: body[name:nameEnd], value: body[value:i]})
		if i = skipSpace(body, i); body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	return f, nil
}

// raw returns the value of the member called name; of several, the last, as json.Unmarshal keeps.
func (f fields) raw(name string) (json.RawMessage, bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].is(name) {
			return f[i].value, true
		}
	}
	return nil, false
}

// is reports whether the member's name, decoded, is name. A name of plain ASCII without escapes is
// its own decoding; any other is decoded by encoding/json.
func (m field) is(name string) bool {
	if s := m.name[1 : len(m.name)-1]; plainASCII(s) {
		return string(s) == name
	}
	var s string
	return json.Unmarshal(m.name, &s) == nil && s == name
}

func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// skipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just after the JSON value that starts at i. b must be valid JSON.
func skipValue(b []byte, i int) int {
	depth := 0
	for {
		switch b[i] {
		case '"':
			for i++; b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++ // the escaped byte cannot end the string
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ',', ':', ' ', '\t', '\n', '\r': // between the members or elements of a container
		default: // a number, true, false or null: up to the next delimiter
			for i+1 < len(b) && !isDelimiter(b[i+1]) {
				i++
			}
		}
		i++
		if depth == 0 {
			return i
		}
	}
}

func isDelimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// str returns the string field name; required fields must be present and non-empty.
func (f fields) str(name string, required bool) (string, error) {
	raw, ok := f.raw(name)
	if !ok || string(raw) == "null" {
		if required {
			return "", fmt.Errorf("field %q is missing", name)
		}
		return "", nil
	}
	s, ok := plainString(raw)
	if !ok {
		var v string // declared here, so only this path allocates it
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", fmt.Errorf("field %q is not a string", name)
		}
		s = v
	}
	if required && s == "" {
		return "", fmt.Errorf("field %q is empty", name)
	}
	return s, nil
}

// time returns the optional RFC 3339 time field name (zero when absent).
func (f fields) time(name string) (time.Time, error) {
	s, err := f.str(name, false)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("field %q is not an RFC 3339 time", name)
	}
	return t, nil
}

// plainString returns the value of raw, a JSON value, when it is a string of printable ASCII without
// escapes, which needs no decoding; ok is false for anything else (json.Unmarshal reads those).
func plainString(raw json.RawMessage) (s string, ok bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || !plainASCII(raw[1:len(raw)-1]) {
		return "", false
	}
	return string(raw[1 : len(raw)-1]), true
}
