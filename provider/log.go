package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The markers redaction leaves behind, for tests and log readers to look for.
const (
	// Redacted replaces a secret value.
	Redacted = "[REDACTED]"
	// RedactedPEM replaces a whole PEM block.
	RedactedPEM = "[REDACTED PEM]"
)

// minSecretLen is the shortest configured secret that is redacted: shorter ones would blank out
// ordinary words and numbers all over the log.
const minSecretLen = 6

// NewLogger returns base with a core that redacts every entry before it is written: the message and
// every field, including fields added with With and nested objects, arrays, errors, Stringers and
// reflected values. It removes values of secret-looking keys (api keys, tokens, passwords,
// signatures, private keys, card numbers, CVVs), every occurrence of the given secrets (those of at
// least 6 characters; for a PEM key also its base64 body), PEM blocks, Luhn-valid card numbers (all
// but the last 4 digits) and secret key/value pairs inside strings (JSON, key=value, headers).
// Adapters log through it so a payment's secrets never reach log storage. A nil base logs nothing.
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
	return newRedactor(secrets).str(s)
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

// redactor holds the rules; it is immutable and safe for concurrent use.
type redactor struct {
	secrets []string // longest first
}

func newRedactor(secrets []string) *redactor {
	seen := map[string]bool{}
	var list []string
	add := func(s string) {
		if len(s) >= minSecretLen && !seen[s] {
			seen[s] = true
			list = append(list, s)
		}
	}
	for _, s := range secrets {
		add(s)
		if t := strings.TrimSpace(s); t != s {
			add(t)
		}
		if strings.Contains(s, "-----BEGIN") {
			// A key also leaks as its body lines, or its body on one line (environment variables).
			var body strings.Builder
			for _, line := range strings.Split(strings.ReplaceAll(s, `\n`, "\n"), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "-----") || strings.Contains(line, ":") {
					continue
				}
				add(line)
				body.WriteString(line)
			}
			add(body.String())
		}
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	return &redactor{secrets: list}
}

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
	if secretKey(f.Key) {
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
			if m := maskCards(s); m != s {
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
			if secretKey(k) {
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
		if m := maskCards(s); m != s {
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

// secretExact are normalized keys that are secret only as a whole word; secretParts are secret
// anywhere in a key.
var (
	secretExact = map[string]bool{
		"pan": true, "cvv": true, "cvv2": true, "cvc": true, "cvc2": true, "cvn": true, "cvn2": true,
		"pin": true, "sig": true, "pwd": true, "authorization": true, "proxyauthorization": true,
		"cookie": true, "setcookie": true,
	}
	secretParts = []string{
		"apikey", "secret", "password", "passwd", "passphrase", "token", "privatekey", "signature",
		"cardnumber", "cardno", "securitycode", "accesskey", "cvv", "cvc", "cvn",
	}
)

// secretKey reports whether a field or JSON key names a secret: case-insensitive, ignoring '_' and
// '-'; for a dotted key ("card.cvv") the last segment counts too.
func secretKey(k string) bool {
	if k == "" {
		return false
	}
	var buf [64]byte
	n := buf[:0]
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		n = append(n, c)
	}
	if secretExact[string(n)] {
		return true
	}
	ns := string(n)
	if i := strings.LastIndexByte(ns, '.'); i >= 0 && secretExact[ns[i+1:]] {
		return true
	}
	for _, p := range secretParts {
		if strings.Contains(ns, p) {
			return true
		}
	}
	return false
}

var (
	// rePEM matches a PEM block, or a truncated one up to the end of the string.
	rePEM = regexp.MustCompile(`(?s)-----BEGIN[^\n-]*-----(?:.*?-----END[^\n-]*-----|.*)`)
	// reJSONKV matches "key": value, also inside an escaped JSON string (\"key\":\"value\").
	reJSONKV = regexp.MustCompile(`(\\?")([A-Za-z0-9_.\-]{1,64})(\\?"\s*:\s*)("(?:[^"\\]|\\.)*"|\\"(?:[^"\\]|\\[^"])*\\"|[^,}\]\s"\\]+)`)
	// reAuthKV matches an Authorization header up to the end of the line ("Bearer x" has a space).
	reAuthKV = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization)(\s*[:=]\s*)(\[[^\]\r\n]*\]|"(?:[^"\\]|\\.)*"|[^\r\n"]+)`)
	// reKV matches key=value and key: value (query strings, headers, %+v output).
	reKV = regexp.MustCompile(`\b([A-Za-z][A-Za-z0-9_.\-]{0,63})(\s*[:=]\s*)(\[[^\]\r\n]*\]|"(?:[^"\\]|\\.)*"|[^\s,&;"}\]\[)]+)`)
)

// kvStems are the lower-case fragments a secret key contains; a string without any of them skips the
// key/value expressions.
var kvStems = []string{"key", "secret", "pass", "token", "sig", "card", "cvv", "cvc", "cvn", "pan",
	"pin", "auth", "cookie", "pwd", "security"}

// str applies the string rules; it returns s itself when nothing matched.
func (r *redactor) str(s string) string {
	if s == "" {
		return s
	}
	if strings.Contains(s, "-----BEGIN") {
		s = rePEM.ReplaceAllLiteralString(s, RedactedPEM)
	}
	for _, sec := range r.secrets {
		if len(sec) <= len(s) && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	if strings.ContainsAny(s, ":=") && containsFoldAny(s, kvStems) {
		s = replaceKV(reJSONKV, s, 2, 4, func(v string) string {
			switch {
			case strings.HasPrefix(v, `\"`):
				return `\"` + Redacted + `\"`
			default:
				return `"` + Redacted + `"`
			}
		})
		s = replaceKV(reAuthKV, s, 1, 3, func(string) string { return Redacted })
		s = replaceKV(reKV, s, 1, 3, func(string) string { return Redacted })
	}
	return maskCards(s)
}

// replaceKV replaces submatch valGroup of every match of re whose keyGroup names a secret. After a
// key that is not secret it resumes right after the key, so "outer: apiKey=x" still finds apiKey.
func replaceKV(re *regexp.Regexp, s string, keyGroup, valGroup int, with func(v string) string) string {
	var b strings.Builder
	last, pos := 0, 0
	for pos < len(s) {
		m := re.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			break
		}
		ks, ke := pos+m[2*keyGroup], pos+m[2*keyGroup+1]
		vs, ve := pos+m[2*valGroup], pos+m[2*valGroup+1]
		if !secretKey(s[ks:ke]) || strings.Contains(s[vs:ve], Redacted) {
			pos = ke
			continue
		}
		b.WriteString(s[last:vs])
		b.WriteString(with(s[vs:ve]))
		last, pos = ve, ve
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// containsFoldAny reports whether s contains any of the lower-case ASCII stems, ignoring case.
func containsFoldAny(s string, stems []string) bool {
	for i := 0; i < len(s); i++ {
		for _, st := range stems {
			if len(s)-i < len(st) {
				continue
			}
			j := 0
			for ; j < len(st); j++ {
				c := s[i+j]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				if c != st[j] {
					break
				}
			}
			if j == len(st) {
				return true
			}
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// maskCards replaces every Luhn-valid run of 13–19 digits (single spaces or dashes allowed between
// digits) with asterisks and its last 4 digits. Inside a longer separated run (a card number followed
// by an expiry), it masks the longest valid window of whole digit groups.
func maskCards(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			digits++
		}
	}
	if digits < 13 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		// Collect the digit groups of one run.
		type group struct{ start, end int }
		var gbuf [8]group
		groups := gbuf[:0]
		j := i
		for {
			k := j
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			groups = append(groups, group{j, k})
			if k+1 < len(s) && (s[k] == ' ' || s[k] == '-') && isDigit(s[k+1]) {
				j = k + 1
				continue
			}
			j = k
			break
		}
		for a := 0; a < len(groups); {
			matched := false
			for z := len(groups) - 1; z >= a; z-- {
				span := s[groups[a].start:groups[z].end]
				n := 0
				for g := a; g <= z; g++ {
					n += groups[g].end - groups[g].start
				}
				if n < 13 || n > 19 || !luhn(span) {
					continue
				}
				b.WriteString(s[last:groups[a].start])
				b.WriteString(mask(span, n))
				last = groups[z].end
				a = z + 1
				matched = true
				break
			}
			if !matched && groups[a].end-groups[a].start > 19 {
				// One long digit run: a card number glued to an expiry or a prefix. Try the windows
				// at either end.
				if w, ok := cardWindow(s[groups[a].start:groups[a].end]); ok {
					b.WriteString(s[last:groups[a].start])
					b.WriteString(w)
					last = groups[a].end
				}
			}
			if !matched {
				a++
			}
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// luhn checks the Luhn sum of the digits in s, ignoring separators.
func luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		if !isDigit(s[i]) {
			continue
		}
		d := int(s[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// mask returns n-4 asterisks followed by the last 4 digits of span.
func mask(span string, n int) string {
	var last4 []byte
	for i := len(span) - 1; i >= 0 && len(last4) < 4; i-- {
		if isDigit(span[i]) {
			last4 = append([]byte{span[i]}, last4...)
		}
	}
	return strings.Repeat("*", n-4) + string(last4)
}

// cardWindow masks a card number glued to a few more digits (an expiry, a CVV, a short prefix): a
// Luhn-valid 13–19 digit window at the start or the end of a run of 20–23 digits, that begins like a
// card number does (2–6: Mastercard, Amex, Visa, Mastercard, Discover/UnionPay). Longer runs are
// hashes and ids, and are kept so support staff can still search logs for them.
func cardWindow(run string) (string, bool) {
	if len(run) > 23 {
		return "", false
	}
	iin := func(w string) bool { return w[0] >= '2' && w[0] <= '6' }
	for n := 19; n >= 13; n-- {
		if w := run[:n]; iin(w) && luhn(w) {
			return mask(w, n) + run[n:], true
		}
		if w := run[len(run)-n:]; iin(w) && luhn(w) {
			return run[:len(run)-n] + mask(w, n), true
		}
	}
	return "", false
}
