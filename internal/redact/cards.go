package redact

// maxCard and minCard bound a card number's digits (ISO/IEC 7812).
const (
	minCard = 13
	maxCard = 19
)

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isCardSep reports whether c may stand between two digit groups of one card number: "4111 1111…",
// "4111-1111…", "4111.1111…", "4111_1111…". Not '/', which joins dates and paths ("2025/11/21"),
// and nobody writes a card number with it.
func isCardSep(c byte) bool { return c == ' ' || c == '-' || c == '.' || c == '_' }

// Cards masks card numbers in s: the card rule of String alone, for a number logged as an integer.
func Cards(s string) string {
	var w work
	return cards(s, &w)
}

// group is a group of digits of a run, s[start:end]; after a mask, the visible end of its last group.
type group struct{ start, end int }

// stars is enough asterisks for any mask.
const stars = "*******************"

// cards masks card numbers. A run is digit groups joined by single separators. Every window of whole
// groups of a run with 13–19 digits that passes the Luhn check is masked: its digits but the last 4
// become asterisks and its separators go ("************1111"); when the last group has fewer than 4
// digits only those stay, so no digits are glued that were apart. From each group the longest window
// wins ("4111 1111 1111 1111 2025": the card, not card and year), and a window has at most 19 digits,
// which keeps the rule linear. The digits a mask leaves are checked again with the groups after them,
// so no Luhn-valid window survives and masking twice changes nothing.
//
// A group of more than 19 digits is in no window. One of 20–23 digits may be a card glued to an
// expiry, a CVV or a short prefix: a Luhn-valid window of 13–19 digits at its start or end that begins
// as card numbers do (2–6) is masked. Longer groups are hashes and ids, kept for support staff to
// search for.
func cards(s string, w *work) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			digits++
		}
	}
	w.add(len(s))
	if digits < minCard {
		return s
	}
	m := masker{s: s, w: *w, rw: rewriter{s: s}}
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		end, n := runEnd(s, i)
		m.w.add(end - i + 1)
		if n < minCard { // too short for a card: the common case
			i = end
			continue
		}
		for i < end {
			k := i
			for k < end && isDigit(s[k]) {
				k++
			}
			if k-i <= maxCard {
				m.add(group{i, k})
			} else {
				m.long(group{i, k})
			}
			i = k + 1
		}
		i = end
		m.flush()
	}
	*w = m.w
	return m.rw.result()
}

// runEnd returns the end of the run of digit groups that starts at i, and how many digits it has.
func runEnd(s string, i int) (end, digits int) {
	for {
		k := i
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		digits += k - i
		if k+1 < len(s) && isCardSep(s[k]) && isDigit(s[k+1]) {
			i = k + 1
			continue
		}
		return k, digits
	}
}

// masker masks the windows of the runs of s as their groups arrive, writing through rw. A window spans
// at most 19 groups, so it keeps only the groups from the next start a on: memory stays bounded
// however long the run.
type masker struct {
	s  string
	w  work // by value: a pointer here would make every caller's counter escape
	rw rewriter
	gs [2 * maxCard]group // gs[a:n]: the groups of the current run from the next start on
	a  int
	n  int
}

// mask replaces s[from:to] (n digits and the separators between them) with n asterisks.
func (m *masker) mask(from, to, n int) { m.rw.replace(from, to, stars[:n]) }

// add takes the next group of a run (of at most 19 digits) and settles every start that now has all
// the groups its windows can reach.
func (m *masker) add(g group) {
	if m.n == len(m.gs) { // never with a == 0: steps keep n-a under maxCard
		m.n = copy(m.gs[:], m.gs[m.a:m.n])
		m.a = 0
	}
	m.gs[m.n] = g
	m.n++
	for m.n-m.a >= maxCard {
		m.step()
	}
}

// flush settles the starts left at the end of a run (or before a long group).
func (m *masker) flush() {
	for m.a < m.n {
		m.step()
	}
	m.a, m.n = 0, 0
}

// long handles a group of more than 19 digits, which ends the windows before it.
func (m *masker) long(g group) {
	n, atStart := cardWindow(m.s[g.start:g.end], &m.w)
	switch {
	case n == 0:
		m.flush()
	case atStart:
		m.flush()
		m.mask(g.start, g.start+n-4, n-4)
		m.add(group{g.start + n - 4, g.end}) // the last 4 digits and what follows them
	default:
		m.add(group{g.start, g.end - n}) // the digits before the card, glued to its mask
		m.flush()
		m.mask(g.end-n, g.end-4, n-4)
		m.add(group{g.end - 4, g.end})
	}
}

// step settles the start gs[a]: the longest Luhn-valid window from it is masked, and its visible digits
// become the next start; without one, the next group is.
func (m *masker) step() {
	gs := m.gs[:m.n]
	best, bestN := -1, 0
	var l luhnSums
	for z := m.a; z < len(gs); z++ {
		g := gs[z]
		if l.n+g.end-g.start > maxCard {
			break
		}
		l.addDigits(m.s[g.start:g.end])
		if l.n >= minCard && l.valid() {
			best, bestN = z, l.n
		}
	}
	m.w.add(l.n + 1)
	if best < 0 {
		m.a++
		return
	}
	z := gs[best]
	keep := min(z.end-z.start, 4)
	m.mask(gs[m.a].start, z.end-keep, bestN-keep)
	gs[best] = group{z.end - keep, z.end}
	m.a = best // the visible digits may start another window with the groups after them
}

// luhnSums holds a digit sequence's Luhn sums as it grows to the right (plain and doubled digits at
// even and odd positions), so each length's check is O(1).
type luhnSums struct {
	n            int
	plain, twice [2]int
}

func (l *luhnSums) addDigits(d string) {
	for i := 0; i < len(d); i++ {
		v := int(d[i] - '0')
		t := 2 * v
		if t > 9 {
			t -= 9
		}
		l.plain[l.n&1] += v
		l.twice[l.n&1] += t
		l.n++
	}
}

// valid reports whether the sequence passes: every second digit from the right is doubled.
func (l *luhnSums) valid() bool {
	p := (l.n - 1) & 1
	return (l.plain[p]+l.twice[1-p])%10 == 0
}

// Luhn reports whether the digits of s pass the Luhn check, ignoring every other byte.
func Luhn(s string) bool {
	var l luhnSums
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			l.addDigits(s[i : i+1])
		}
	}
	return l.valid()
}

// cardWindow returns the length of the longest Luhn-valid window of 13–19 digits at the start or end
// of run (20–23 digits) that begins with 2–6 (Mastercard, Amex, Visa, Discover/UnionPay), 0 for none,
// and whether it is at the start.
func cardWindow(run string, w *work) (n int, atStart bool) {
	if len(run) > 23 {
		return 0, false
	}
	iin := func(c byte) bool { return c >= '2' && c <= '6' }
	for n := maxCard; n >= minCard; n-- {
		w.add(2 * n)
		if iin(run[0]) && Luhn(run[:n]) {
			return n, true
		}
		if e := run[len(run)-n:]; iin(e[0]) && Luhn(e) {
			return n, false
		}
	}
	return 0, false
}
