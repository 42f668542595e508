// Package redactlog is the zap side of redaction: a core that runs every log entry, its message and
// all its fields (nested objects, arrays, errors, Stringers, reflected values), through the string
// rules of package internal/redact before the wrapped core writes it.
//
// It is apart from internal/redact so that package stays a standard-library leaf the root package can
// scrub Error.Error with, and apart from package provider so an adapter sees only provider.NewLogger,
// not the walk over zap's field types.
package redactlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/paygate-go/paygate/internal/redact"
)

// New returns base with a core that redacts every entry before it is written: the message and every
// field, including fields added with With and nested objects, arrays, errors, Stringers and reflected
// values. Field values under secret-looking keys become redact.Redacted; strings (and the strings
// errors, Stringers and reflected values print as) go through redact.New(secrets...).String; integers
// of 13 digits or more go through the card rule. A nil base logs nothing.
func New(base *zap.Logger, secrets ...string) *zap.Logger {
	if base == nil {
		return zap.NewNop()
	}
	r := newRedactor(secrets)
	return base.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return &redactCore{Core: c, r: r}
	}))
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
		return zap.String(f.Key, redact.Redacted), true
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
				out[k] = redact.Redacted
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
