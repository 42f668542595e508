package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/paygate-go/paygate/internal/redact"
)

// The markers redaction leaves behind, for tests and log readers to look for.
const (
	// Redacted replaces a secret value.
	Redacted = redact.Redacted
	// RedactedPEM replaces a whole PEM block.
	RedactedPEM = redact.RedactedPEM
)

// NewLogger returns base with a core that redacts every entry before it is written: the message and
// every field, including fields added with With and nested objects, arrays, errors, Stringers and
// reflected values. It removes values of secret-looking keys (api keys, tokens, passwords,
// signatures, private keys, card numbers, CVVs), every occurrence of the given secrets (those of at
// least 6 characters; for a PEM key also its base64 body), PEM blocks, Luhn-valid card numbers (all
// but the last 4 digits; digit groups may be separated by single spaces, '-', '.' or '_'), secret
// key/value pairs inside strings (JSON, key=value, headers) and the digits after a CVV word in free
// text ("cvv 918", "security code 9182"). The rules are in package internal/redact; each costs time
// linear in the text, whatever the text. Adapters log through it so a payment's secrets never reach
// log storage. A nil base logs nothing.
func NewLogger(base *zap.Logger, secrets ...string) *zap.Logger {
	if base == nil {
		return zap.NewNop()
	}
	r := newRedactor(secrets)
	return base.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return &redactCore{Core: c, r: r}
	}))
}

// Redact applies NewLogger's string rules to s, for adapters and simulators that must scrub a string
// that does not go through the logger (an error message, a stored request).
func Redact(s string, secrets ...string) string {
	return redact.New(secrets...).String(s)
}

// ExcerptLen is the most of a text not verified yet that Excerpt quotes.
const ExcerptLen = 64

// Excerpt quotes s (as %q does) for a log line or an error text, when s comes from a request or an
// answer that is not verified yet (a header of an unsigned webhook, a field of an unsigned body): at
// most its first ExcerptLen bytes, redacted, and how long it was when it is cut. Whoever can reach a
// webhook endpoint could otherwise write what they like, at any length, into the merchant's logs. It
// redacts before it cuts, so a cut cannot hide a card number from the card rule.
func Excerpt(s string) string {
	s = redact.String(s)
	if len(s) <= ExcerptLen {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:excerptCut(s)]) + "… (cut; " + strconv.Itoa(len(s)) + " bytes)"
}

// Bounded returns s when it has at most ExcerptLen bytes, else its first ExcerptLen bytes (whole
// UTF-8 characters) and "…": for unverified text kept in a field, such as an unsigned answer's
// message in Error.ProviderMessage (Error() redacts it when printed).
func Bounded(s string) string {
	if len(s) <= ExcerptLen {
		return s
	}
	return s[:excerptCut(s)] + "…"
}

// excerptCut is where a text longer than ExcerptLen is cut: at most ExcerptLen bytes, on a character
// boundary.
func excerptCut(s string) int {
	cut := ExcerptLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return cut
}

// redactCore redacts entries and fields before handing them to the wrapped core.
type redactCore struct {
	zapcore.Core
	r *redactor
}

func (c *redactCore) With(fields []zapcore.Field) zapcore.Core {
	return &redactCore{Core: c.Core.With(c.r.fields(fields)), r: c.r}
}

func (c *redactCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(ent.Level) {
		return ce.AddCore(ent, c)
	}
	return ce
}

// Write redacts, then goes through the inner core's own Check, so a Tee's per-core levels and a
// sampler still decide what is written.
func (c *redactCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	ent.Message = c.r.str(ent.Message)
	if ce := c.Core.Check(ent, nil); ce != nil {
		ce.Write(c.r.fields(fields)...)
	}
	return nil
}

// redactor applies the string rules (package internal/redact) to zap entries.
type redactor struct {
	r *redact.Redactor
}

func newRedactor(secrets []string) *redactor { return &redactor{r: redact.New(secrets...)} }

func (r *redactor) str(s string) string { return r.r.String(s) }

// fields returns fs redacted; it returns fs itself when nothing changed.
func (r *redactor) fields(fs []zapcore.Field) []zapcore.Field {
	var out []zapcore.Field
	for i, f := range fs {
		g, changed := r.field(f)
		if changed && out == nil {
			out = make([]zapcore.Field, len(fs))
			copy(out, fs[:i])
		}
		if out != nil {
			out[i] = g
		}
	}
	if out == nil {
		return fs
	}
	return out
}

func (r *redactor) field(f zapcore.Field) (zapcore.Field, bool) {
	if f.Type == zapcore.NamespaceType || f.Type == zapcore.SkipType {
		return f, false
	}
	if redact.SecretKey(f.Key) {
		return zap.String(f.Key, Redacted), true
	}
	switch f.Type {
	case zapcore.StringType:
		if s := r.str(f.String); s != f.String {
			return zap.String(f.Key, s), true
		}
	case zapcore.ByteStringType, zapcore.BinaryType:
		b, _ := f.Interface.([]byte)
		if s := r.str(string(b)); s != string(b) {
			return zap.String(f.Key, s), true
		}
	case zapcore.Int64Type, zapcore.Int32Type, zapcore.Uint64Type, zapcore.Uint32Type:
		var s string
		if f.Type == zapcore.Uint64Type || f.Type == zapcore.Uint32Type {
			s = strconv.FormatUint(uint64(f.Integer), 10)
		} else {
			s = strconv.FormatInt(f.Integer, 10)
		}
		if len(s) >= 13 {
			if m := redact.Cards(s); m != s {
				return zap.String(f.Key, m), true
			}
		}
	case zapcore.ErrorType:
		err, _ := f.Interface.(error)
		if err == nil {
			return f, false
		}
		msg := safeString(err.Error)
		red := r.str(msg)
		_, formatter := err.(fmt.Formatter)
		_, group := err.(interface{ Errors() []error })
		if red != msg || formatter || group {
			// zap would also print %+v and the causes, unredacted: keep only the redacted message.
			return zap.NamedError(f.Key, errors.New(red)), true
		}
	case zapcore.StringerType:
		st, _ := f.Interface.(fmt.Stringer)
		if st == nil {
			return f, false
		}
		return zap.String(f.Key, r.str(safeString(st.String))), true
	case zapcore.ReflectType:
		s := render(f.Interface)
		if red := r.str(s); red != s {
			return zap.String(f.Key, red), true
		}
	case zapcore.ObjectMarshalerType, zapcore.InlineMarshalerType:
		m, ok := f.Interface.(zapcore.ObjectMarshaler)
		if !ok {
			return f, false
		}
		enc := zapcore.NewMapObjectEncoder()
		if err := m.MarshalLogObject(enc); err != nil {
			return zap.String(f.Key, r.str(err.Error())), true
		}
		obj := mapObject(r.value(enc.Fields).(map[string]any))
		if f.Type == zapcore.InlineMarshalerType {
			return zap.Inline(obj), true
		}
		return zap.Object(f.Key, obj), true
	case zapcore.ArrayMarshalerType:
		m, ok := f.Interface.(zapcore.ArrayMarshaler)
		if !ok {
			return f, false
		}
		enc := zapcore.NewMapObjectEncoder()
		if err := enc.AddArray("a", m); err != nil {
			return zap.String(f.Key, r.str(err.Error())), true
		}
		return zap.Any(f.Key, r.value(enc.Fields["a"])), true
	}
	return f, false
}

// value redacts a value produced by zapcore.MapObjectEncoder.
func (r *redactor) value(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if redact.SecretKey(k) {
				out[k] = Redacted
			} else {
				out[k] = r.value(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.value(e)
		}
		return out
	case string:
		return r.str(x)
	case []byte:
		return r.str(string(x))
	case error:
		return r.str(safeString(x.Error))
	case fmt.Stringer:
		return r.str(safeString(x.String))
	case nil, bool, float64, float32, complex128, complex64:
		return v
	case int64, int32, int16, int8, int, uint64, uint32, uint16, uint8, uint, uintptr:
		s := fmt.Sprint(x)
		if m := redact.Cards(s); m != s {
			return m
		}
		return v
	}
	// Reflected values (structs, maps): judge them by their JSON.
	s := render(v)
	if red := r.str(s); red != s {
		return red
	}
	return v
}

// mapObject logs a redacted map as an object, keys sorted.
type mapObject map[string]any

func (m mapObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := m[k].(type) {
		case map[string]any:
			if err := enc.AddObject(k, mapObject(v)); err != nil {
				return err
			}
		case string:
			enc.AddString(k, v)
		default:
			if err := enc.AddReflected(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// render turns a reflected value into the string zap would print, so the string rules can judge it.
func render(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}

// safeString calls f, turning a panic (a nil receiver) into "<nil>", as zap does.
func safeString(f func() string) (s string) {
	defer func() {
		if recover() != nil {
			s = "<nil>"
		}
	}()
	return f()
}
