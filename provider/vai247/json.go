package vai247

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// member is one name/value pair of a JSON object the adapter writes. Names come from the wire table.
type member struct {
	name  string
	value json.RawMessage
}

// object writes members as a JSON object, in order.
func object(members ...member) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(m.name) // a string always marshals
		b.Write(name)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// jstr is s as a JSON string.
func jstr(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// fields is a JSON object the adapter reads, by the wire table's names.
type fields map[string]json.RawMessage

// decodeObject reads body as one JSON object (nothing after it).
func decodeObject(body []byte) (fields, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var f fields
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("the body is not a JSON object: %w", err)
	}
	if f == nil {
		return nil, errors.New("the body is JSON null, not an object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the body has data after its JSON object")
	}
	return f, nil
}

// str returns the string field name; required fields must be present and non-empty.
func (f fields) str(name string, required bool) (string, error) {
	raw, ok := f[name]
	if !ok || string(raw) == "null" {
		if required {
			return "", fmt.Errorf("field %q is missing", name)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field %q is not a string", name)
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
