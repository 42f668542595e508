// Package redact holds the string rules that keep secrets and card data out of log lines and error
// texts: configured secrets, PEM blocks, secret key/value pairs, card numbers and CVVs; and Excerpt
// and Bounded, which quote or cut text not verified yet before it reaches a log line or an error.
//
// It is a leaf (standard library only), so the root package can scrub Error.Error with it and package
// internal/redactlog can build the redacting zap logger on it; package provider hands both to adapters. Every rule costs time linear in its input, since log
// lines carry unverified input and a slow redactor is a denial of service: a card number has at most 19
// digits and a key at most 64 bytes, so no rule looks further than that, except over a value or block
// it then replaces. Redacting twice gives what redacting once gave.
package redact

import (
	"sort"
	"strings"
)

// The markers redaction leaves behind, for tests and log readers to look for.
const (
	// Redacted replaces a secret value.
	Redacted = "[REDACTED]"
	// RedactedPEM replaces a whole PEM block.
	RedactedPEM = "[REDACTED PEM]"
)

// MinSecretLen is the shortest configured secret that is redacted: shorter ones would blank out
// ordinary words and numbers all over the log.
const MinSecretLen = 6

// Redactor applies the rules, with a set of configured secrets. It is immutable and safe for
// concurrent use.
type Redactor struct {
	secrets []string // longest first
}

// plain is the Redactor without configured secrets.
var plain = &Redactor{}

// New returns a Redactor that also removes every occurrence of the given secrets (those of at least
// MinSecretLen bytes, also trimmed of surrounding space; for a PEM key also its base64 body lines and
// the body on one line, as keys leak through environment variables).
func New(secrets ...string) *Redactor {
	seen := map[string]bool{}
	var list []string
	add := func(s string) {
		if len(s) >= MinSecretLen && !seen[s] {
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
	if len(list) == 0 {
		return plain
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	return &Redactor{secrets: list}
}

// String applies every rule to s, without configured secrets. It returns s itself when nothing
// matched.
func String(s string) string { return plain.String(s) }

// String applies every rule to s. It returns s itself when nothing matched.
func (r *Redactor) String(s string) string {
	var w work
	return r.apply(s, &w)
}

// work counts the bytes the rules examine, so tests can hold them to a linear bound without a clock.
// Only tests set budget: a run that goes over it panics with errOverBudget at once.
type work struct {
	steps, budget int
}

type errOverBudget struct{ steps int }

func (w *work) add(n int) {
	w.steps += n
	if w.budget > 0 && w.steps > w.budget {
		panic(errOverBudget{w.steps})
	}
}

// apply runs the rules. Cards go before the key/value rules, so "pan: 4111 1111 1111 1111" loses the
// whole number, not its first group.
func (r *Redactor) apply(s string, w *work) string {
	if s == "" {
		return s
	}
	s = pem(s, w)
	for _, sec := range r.secrets {
		w.add(len(s))
		if len(sec) <= len(s) && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	s = cards(s, w)
	if strings.ContainsAny(s, ":=") {
		w.add(len(s))
		s = jsonPairs(s, w)
		s = authPairs(s, w)
		s = kvPairs(s, w)
	}
	return cvv(s, w)
}

// pem replaces every PEM block, from "-----BEGIN" to the next "-----END …-----" line, or to the end of
// s when there is none (a truncated key), with RedactedPEM. Any "-----BEGIN" starts a block, whatever
// follows it: a label mangled by a later rule must not make a second pass see a block the first did
// not.
func pem(s string, w *work) string {
	const begin, end, dashes = "-----BEGIN", "-----END", "-----"
	var b strings.Builder
	last := 0
	for pos := 0; pos < len(s); {
		i := strings.Index(s[pos:], begin)
		if i < 0 {
			w.add(len(s) - pos)
			break
		}
		w.add(i + len(begin))
		start := pos + i
		stop := len(s)
		for q := start + len(begin); q < len(s); {
			k := strings.Index(s[q:], end)
			if k < 0 {
				w.add(len(s) - q)
				break
			}
			w.add(k + len(end))
			e := label(s, q+k+len(end), w)
			if strings.HasPrefix(s[e:], dashes) {
				stop = e + len(dashes)
				break
			}
			q += k + 1
		}
		b.WriteString(s[last:start])
		b.WriteString(RedactedPEM)
		last, pos = stop, stop
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// label returns the index of the first '-' or newline at or after i: the end of a PEM line's label.
func label(s string, i int, w *work) int {
	j := i
	for j < len(s) && s[j] != '-' && s[j] != '\n' {
		j++
	}
	w.add(j - i + 1)
	return j
}
