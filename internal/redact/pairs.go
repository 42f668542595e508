package redact

import "strings"

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

// SecretKey reports whether a field or JSON key names a secret: case-insensitive, ignoring '_' and
// '-'; for a dotted key ("card.cvv") the last segment counts too.
func SecretKey(k string) bool {
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

// maxKey is the longest key the key/value rules look back for.
const maxKey = 64

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isWord(c byte) bool  { return isAlpha(c) || isDigit(c) || c == '_' }

// isKeyChar is a byte of a key in the key/value rules: [A-Za-z0-9_.-].
func isKeyChar(c byte) bool { return isWord(c) || c == '.' || c == '-' }

// isSpace is RE2's \s.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// rewriter builds a copy of s with some spans replaced, left to right.
type rewriter struct {
	s       string
	b       strings.Builder
	last    int
	changed bool
}

func (r *rewriter) replace(from, to int, with string) {
	if !r.changed {
		r.b.Grow(len(r.s) + 16) // one allocation: the output is about as long as s
	}
	r.b.WriteString(r.s[r.last:from])
	r.b.WriteString(with)
	r.last, r.changed = to, true
}

func (r *rewriter) result() string {
	if !r.changed {
		return r.s
	}
	r.b.WriteString(r.s[r.last:])
	return r.b.String()
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(s string, i int, w *work) int {
	j := i
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	w.add(j - i)
	return j
}

// backSpace returns the index just after the last non-space byte before i, looking no further back
// than floor.
func backSpace(s string, i, floor int, w *work) int {
	j := i
	for j > floor && isSpace(s[j-1]) {
		j--
	}
	w.add(i - j)
	return j
}

// cursor remembers where the next byte of a set is, so searches from increasing positions cost
// O(len(s)) in all; without it "Authorization:[\"Authorization:[\"…" would be quadratic.
type cursor struct {
	set      string
	from, at int // the first byte of set at or after from is at at (len(s) for none); from < 0: unset
}

func newCursor(set string) cursor { return cursor{set: set, from: -1} }

func (c *cursor) next(s string, i int, w *work) int {
	if c.from >= 0 && c.from <= i && i <= c.at {
		return c.at
	}
	k := strings.IndexAny(s[i:], c.set)
	if k < 0 {
		k = len(s) - i
	}
	w.add(k + 1)
	c.from, c.at = i, i+k
	return c.at
}

// quoted returns the end of the double-quoted string at v (a backslash escapes the next byte). One not
// closed runs to the end of s: a value cut off is still a secret, and a value that always ends somewhere
// reads the same on a second pass.
func quoted(s string, v int, w *work) int {
	for i := v + 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			w.add(i - v + 1)
			return i + 1
		case '\\':
			i++
		}
	}
	w.add(len(s) - v)
	return len(s)
}

// escQuoted returns the end of the escaped string (\"…\") that starts at v, inside a JSON string: at
// its closing \", or before a bare quote (the end of the outer string), or at the end of s.
func escQuoted(s string, v int, w *work) int {
	for i := v + 2; i < len(s); i++ {
		switch s[i] {
		case '"':
			w.add(i - v + 1)
			return i
		case '\\':
			if i+1 < len(s) && s[i+1] == '"' {
				w.add(i - v + 2)
				return i + 2
			}
			i++
		}
	}
	w.add(len(s) - v)
	return len(s)
}

// until returns the index of the first byte at or after i that stop accepts (len(s) for none).
func until(s string, i int, stop func(byte) bool, w *work) int {
	j := i
	for j < len(s) && !stop(s[j]) {
		j++
	}
	w.add(j - i + 1)
	return j
}

// jsonPairs redacts "key": value where key names a secret, also inside an escaped JSON string
// (\"key\":\"value\"). A string value becomes "[REDACTED]" (\"[REDACTED]\" when escaped), and so does
// any other value (a number, true, …) up to the next delimiter.
func jsonPairs(s string, w *work) string {
	rw := rewriter{s: s}
	floor := 0 // nothing before the end of the last replacement is looked at again
	for pos := 0; pos < len(s); {
		i := strings.IndexByte(s[pos:], ':')
		if i < 0 {
			w.add(len(s) - pos)
			break
		}
		w.add(i + 1)
		c := pos + i
		pos = c + 1
		// Back from the colon: spaces, the closing quote (maybe escaped), the key, the opening quote.
		j := backSpace(s, c, floor, w)
		if j <= floor || s[j-1] != '"' {
			continue
		}
		ke := j - 1
		if ke > floor && s[ke-1] == '\\' {
			ke--
		}
		ks := ke
		for ks > floor && ke-ks <= maxKey && isKeyChar(s[ks-1]) {
			ks--
		}
		w.add(ke - ks)
		if ks == ke || ke-ks > maxKey || ks <= floor || s[ks-1] != '"' || !SecretKey(s[ks:ke]) {
			continue
		}
		v := skipSpace(s, c+1, w)
		if v >= len(s) {
			continue
		}
		var ve int
		with := `"` + Redacted + `"`
		switch {
		case s[v] == '"':
			ve = quoted(s, v, w)
		case s[v] == '\\' && v+1 < len(s) && s[v+1] == '"':
			ve = escQuoted(s, v, w)
			with = `\"` + Redacted + `\"`
		default:
			ve = until(s, v, jsonBareStop, w)
		}
		if ve == v {
			continue
		}
		rw.replace(v, ve, with)
		floor, pos = ve, ve
	}
	return rw.result()
}

// jsonBareStop ends a JSON value that is not a string: , } ] space " \.
func jsonBareStop(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == '"' || c == '\\' || isSpace(c)
}

// authPairs redacts the value of an Authorization or Proxy-Authorization header, which runs to the end
// of its line ("Bearer x" has a space): "Authorization: …", "authorization=…", "Authorization:[…]"
// (an http.Header printed with %v) and authorization="…".
func authPairs(s string, w *work) string {
	const name = "authorization"
	rw := rewriter{s: s}
	brackets := newCursor("]\r\n")
	for i := 0; i+len(name) <= len(s); i++ {
		w.add(1)
		if s[i]|0x20 != 'a' || (i > 0 && isWord(s[i-1])) || !strings.EqualFold(s[i:i+len(name)], name) {
			continue
		}
		w.add(len(name))
		sep := skipSpace(s, i+len(name), w)
		if sep >= len(s) || (s[sep] != ':' && s[sep] != '=') {
			continue
		}
		v := skipSpace(s, sep+1, w)
		if v >= len(s) {
			continue
		}
		var ve int
		switch s[v] {
		case '"':
			ve = quoted(s, v, w)
		case '[':
			if k := brackets.next(s, v+1, w); k < len(s) && s[k] == ']' {
				ve = k + 1
				break
			}
			fallthrough
		default:
			ve = until(s, v, lineOrQuote, w)
		}
		if ve == v {
			continue
		}
		rw.replace(v, ve, Redacted)
		i = ve - 1
	}
	return rw.result()
}

func lineOrQuote(c byte) bool { return c == '\r' || c == '\n' || c == '"' }

// kvPairs redacts key=value and key: value where key names a secret (query strings, headers, %+v
// output): the value is a [bracketed list], a "quoted string" or a run of bytes up to a space or one of
// , & ; " } ] [ ). A value cut off (no closing quote or bracket) runs to the end of s (of its line, for
// a list). A key is a letter and up to 63 more of [A-Za-z0-9_.-], at the start of a word; of the
// keys that end at one separator, the longest.
func kvPairs(s string, w *work) string {
	rw := rewriter{s: s}
	floor := 0
	for pos := 0; pos < len(s); {
		i := strings.IndexAny(s[pos:], ":=")
		if i < 0 {
			w.add(len(s) - pos)
			break
		}
		w.add(i + 1)
		c := pos + i
		pos = c + 1
		e := backSpace(s, c, floor, w)
		k := -1
		for j := e - 1; j >= floor && e-j <= maxKey && isKeyChar(s[j]); j-- {
			if isAlpha(s[j]) && (j == 0 || !isWord(s[j-1])) {
				k = j
			}
		}
		w.add(min(e-floor, maxKey))
		if k < 0 || !SecretKey(s[k:e]) {
			continue
		}
		v := skipSpace(s, c+1, w)
		if v >= len(s) {
			continue
		}
		var ve int
		switch s[v] {
		case '[':
			// A list ends at its ']', or with its line when it is cut off.
			if ve = until(s, v+1, listEnd, w); ve < len(s) && s[ve] == ']' {
				ve++
			}
		case '"':
			ve = quoted(s, v, w)
		default:
			ve = until(s, v, kvBareStop, w)
		}
		if ve == v {
			continue
		}
		rw.replace(v, ve, Redacted)
		floor, pos = ve, ve
	}
	return rw.result()
}

func listEnd(c byte) bool { return c == ']' || c == '\r' || c == '\n' }

// kvBareStop ends an unquoted value: space , & ; " } ] [ ).
func kvBareStop(c byte) bool {
	switch c {
	case ',', '&', ';', '"', '}', ']', '[', ')':
		return true
	}
	return isSpace(c)
}
