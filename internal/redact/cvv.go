package redact

// The CVV rule: the 3 or 4 digits after a card security code word in free text ("cvv 918", "CVV: 918",
// "cvc=918", "security code 9182", "CVV2 number 918") become Redacted. The word stands alone (not
// "recvv", "cvvs"); between it and the digits stand at most a few separators (spaces : = quotes # - .
// and '(') and one filler word (code, number, no, value, is); the digits do not run on into a longer
// number ("cvv 2025-11-21", "cvv 918.50", "cvv 12345") or a word ("cvv 918x"). So years, dates and
// amounts after other words are never touched.

// maxCVVSeps bounds the separators looked at after a word, which keeps the rule linear.
const maxCVVSeps = 10

var cvvFillers = []string{"code", "number", "no", "value", "is"}

func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasWordFold reports whether s[i:] starts with word (lower case), ignoring case.
func hasWordFold(s string, i int, word string) bool {
	if len(s)-i < len(word) {
		return false
	}
	for j := 0; j < len(word); j++ {
		if lower(s[i+j]) != word[j] {
			return false
		}
	}
	return true
}

// cvvWord returns the end of a security code word at i, or -1: cvv, cvc, cvn or csc with an optional
// 2, or "security code" (also with '-', '_' or nothing between).
func cvvWord(s string, i int) int {
	e := -1
	switch {
	case hasWordFold(s, i, "cvv"), hasWordFold(s, i, "cvc"), hasWordFold(s, i, "cvn"), hasWordFold(s, i, "csc"):
		e = i + 3
		if e < len(s) && s[e] == '2' {
			e++
		}
	case hasWordFold(s, i, "security"):
		j := i + len("security")
		if j < len(s) && (s[j] == ' ' || s[j] == '-' || s[j] == '_') {
			j++
		}
		if hasWordFold(s, j, "code") {
			e = j + len("code")
		}
	}
	if e < 0 || (e < len(s) && isAlnum(s[e])) {
		return -1
	}
	return e
}

func isCVVSep(c byte) bool {
	switch c {
	case ':', '=', '"', '\'', '\\', '#', '-', '.', '(':
		return true
	}
	return isSpace(c)
}

// cvvSeps returns the index after at most maxCVVSeps separators from i.
func cvvSeps(s string, i int) int {
	j := i
	for j < len(s) && j-i < maxCVVSeps && isCVVSep(s[j]) {
		j++
	}
	return j
}

// runsOn reports whether the digits that end at i run on into a word ("918x") or a longer number:
// another digit, or a separator of numbers (" -._/:,") and a digit.
func runsOn(s string, i int) bool {
	if i < len(s) && isWord(s[i]) {
		return true
	}
	if i+1 < len(s) && isDigit(s[i+1]) {
		switch s[i] {
		case ' ', '-', '.', '_', '/', ':', ',':
			return true
		}
	}
	return false
}

func cvv(s string, w *work) string {
	rw := rewriter{s: s}
	for i := 0; i < len(s); i++ {
		w.add(1)
		if c := lower(s[i]); (c != 'c' && c != 's') || (i > 0 && isAlnum(s[i-1])) {
			continue
		}
		e := cvvWord(s, i)
		if e < 0 {
			continue
		}
		j := cvvSeps(s, e)
		for _, f := range cvvFillers {
			if j > e && hasWordFold(s, j, f) && (j+len(f) == len(s) || !isAlnum(s[j+len(f)])) {
				j = cvvSeps(s, j+len(f))
				break
			}
		}
		d := j
		for d < len(s) && d-j < 5 && isDigit(s[d]) {
			d++
		}
		w.add(d - i)
		if j == e || d-j < 3 || d-j > 4 || runsOn(s, d) {
			continue
		}
		rw.replace(j, d, Redacted)
		i = d - 1
	}
	return rw.result()
}
