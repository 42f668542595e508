package vai247

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/quick"
)

// jstr and object write exactly what json.Marshal writes, whatever the string.
func TestJSONStringMatchesMarshal(t *testing.T) {
	for _, s := range []string{"", "abc", "ord_123-x", `a"b`, `a\b`, "<&>", "é", "\x7f", "\x00", "\n", "\xff", "\u2028"} {
		want, _ := json.Marshal(s)
		if got := jstr(s); !bytes.Equal(got, want) {
			t.Errorf("jstr(%q) = %s, json.Marshal gives %s", s, got, want)
		}
	}
	same := func(s string) bool {
		want, _ := json.Marshal(s)
		return bytes.Equal(jstr(s), want)
	}
	if err := quick.Check(same, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
	got := object(member{"a", jstr("x")}, member{`b"<`, json.RawMessage(`10.00`)})
	if want := `{"a":"x","b\"\u003c":10.00}`; string(got) != want {
		t.Errorf("object = %s, want %s", got, want)
	}
}

// decodeObject answers what json.Unmarshal into a map[string]json.RawMessage answers: an error for the
// same bodies, and for every name the same raw value (the last of duplicates).
func FuzzDecodeObject(f *testing.F) {
	for _, seed := range []string{
		`{}`, ` { } `, `null`, `[]`, `"s"`, `12`, ``, `{`, `{"a":1}x`, `{"a":1} `, `{"a":1,}`,
		`{"order_id":"ord_1","status":"pending","qr_code":"dvpay://qr/ord_1","expires_at":"2026-11-21T14:00:00Z"}`,
		`{"amount":10.00,"currency":"USD","n":-1.5e+3,"t":true,"f":false,"z":null}`,
		`{"error":{"code":"order_not_found","message":"no \"order\"","details":{},"request_id":"req_1","timestamp":1}}`,
		`{"a":[1,{"b":"]}"},[]],"c":"\\\"}"}`, `{"a":1,"a":2}`, `{"a\u0062":1,"ab":2}`, `{"\u00e9":1,"é":2}`,
		"{\"k\xff\":1}", "{\n\t\"a\" :\r\n \"b\" ,\"c\":{ }}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want map[string]json.RawMessage
		wantErr := json.Unmarshal(body, &want)
		got, err := decodeObject(body)
		if wantErr != nil || want == nil {
			if err == nil {
				t.Fatalf("%q: decodeObject accepted what json.Unmarshal refuses (%v)", body, wantErr)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		for name, raw := range want {
			v, ok := got.raw(name)
			if !ok || !bytes.Equal(v, raw) {
				t.Fatalf("%q: member %q is %s (found %v), json.Unmarshal gives %s", body, name, v, ok, raw)
			}
		}
		for _, m := range got {
			var name string
			if err := json.Unmarshal(m.name, &name); err != nil {
				t.Fatalf("%q: name %s does not decode: %v", body, m.name, err)
			}
			if _, ok := want[name]; !ok {
				t.Fatalf("%q: member %q is not one json.Unmarshal finds", body, name)
			}
		}
		if _, ok := got.raw("no such member"); ok {
			t.Fatalf("%q: found a member that is not there", body)
		}
	})
}
