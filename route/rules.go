package route

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
)

// Rule chooses the candidate providers for new payments. A rule matches a CreateRequest when every
// condition it sets holds; an empty condition matches anything, so a rule with no conditions is a
// catch-all. The router uses the first rule that matches, in Config.Rules order.
type Rule struct {
	// Name appears in logs and errors.
	Name string
	// Currencies matches the amount's currency (ISO 4217, e.g. "IDR").
	Currencies []string
	// Countries matches Customer.Country (ISO 3166-1 alpha-2, e.g. "ID"); a request without a country
	// never matches a rule that sets Countries.
	Countries []string
	// MethodTypes and MethodNames match Method.Type and Method.Name, case-insensitively.
	MethodTypes []string
	MethodNames []string
	// MinAmount and MaxAmount bound the amount, both inclusive; the zero Amount{} sets no bound. A bound
	// matches only amounts in its own currency, so a rule with a bound is a rule for that currency.
	MinAmount money.Amount
	MaxAmount money.Amount
	// Targets are the candidates. Lower Priority values are tried first; among targets of the same
	// priority, the order is drawn at random for each payment, in proportion to Weight (0 counts as 1).
	Targets []Target
}

// Target is one candidate provider of a Rule.
type Target struct {
	Provider string // a key of Config.Providers
	Priority int    // lower first
	Weight   int    // relative share among targets of the same priority; 0 means 1
}

// Matches reports whether the rule applies to req.
func (r *Rule) Matches(req *paygate.CreateRequest) bool {
	cur := req.Amount.Currency()
	if len(r.Currencies) > 0 && !slices.Contains(r.Currencies, cur) {
		return false
	}
	if len(r.Countries) > 0 && !slices.Contains(r.Countries, req.Customer.Country) {
		return false
	}
	if len(r.MethodTypes) > 0 && !containsFold(r.MethodTypes, req.Method.Type) {
		return false
	}
	if len(r.MethodNames) > 0 && !containsFold(r.MethodNames, req.Method.Name) {
		return false
	}
	for _, b := range []struct {
		bound money.Amount
		ok    func(c int) bool
	}{{r.MinAmount, func(c int) bool { return c >= 0 }}, {r.MaxAmount, func(c int) bool { return c <= 0 }}} {
		if b.bound.Currency() == "" {
			continue
		}
		c, err := req.Amount.Cmp(b.bound)
		if err != nil || !b.ok(c) {
			return false
		}
	}
	return true
}

func containsFold(list []string, s string) bool {
	if s == "" {
		return false
	}
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// check reports a rule that can never work as the author meant.
func (r *Rule) check(providers map[string]paygate.Gateway) error {
	name := r.Name
	if name == "" {
		name = "(unnamed)"
	}
	if len(r.Targets) == 0 {
		return fmt.Errorf("route: rule %s has no targets", name)
	}
	// Requests carry upper-case codes (Validate enforces it), so "usd" or "kh" would never match.
	for _, c := range r.Currencies {
		if _, ok := money.Digits(c); !ok {
			return fmt.Errorf("route: rule %s lists currency %q, which is not an ISO 4217 code (upper case, e.g. \"USD\")", name, c)
		}
	}
	for _, c := range r.Countries {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return fmt.Errorf("route: rule %s lists country %q: use ISO 3166-1 alpha-2 in upper case, e.g. \"ID\"", name, c)
		}
	}
	seen := map[string]bool{}
	for _, t := range r.Targets {
		if _, ok := providers[t.Provider]; !ok {
			return fmt.Errorf("route: rule %s names provider %q, which is not in Config.Providers", name, t.Provider)
		}
		if seen[t.Provider] {
			return fmt.Errorf("route: rule %s names provider %q twice", name, t.Provider)
		}
		seen[t.Provider] = true
		if t.Weight < 0 {
			return fmt.Errorf("route: rule %s gives provider %q a negative weight", name, t.Provider)
		}
	}
	for _, b := range []money.Amount{r.MinAmount, r.MaxAmount} {
		if b.Currency() == "" {
			continue
		}
		if len(r.Currencies) > 0 && !slices.Equal(r.Currencies, []string{b.Currency()}) {
			return fmt.Errorf("route: rule %s bounds the amount in %s but lists currencies %v: a bound applies to its own currency only", name, b.Currency(), r.Currencies)
		}
	}
	if r.MinAmount.Currency() != "" && r.MaxAmount.Currency() != "" {
		c, err := r.MinAmount.Cmp(r.MaxAmount)
		if err != nil {
			return fmt.Errorf("route: rule %s bounds the amount in two currencies (%s, %s)", name, r.MinAmount, r.MaxAmount)
		}
		if c > 0 {
			return fmt.Errorf("route: rule %s has MinAmount %s above MaxAmount %s", name, r.MinAmount, r.MaxAmount)
		}
	}
	return nil
}

// picker draws the weighted order of same-priority targets. rand.Rand is not safe for concurrent use.
type picker struct {
	mu  sync.Mutex
	rnd *rand.Rand
}

// order returns the rule's providers in the order to try them.
func (p *picker) order(targets []Target) []string {
	ts := slices.Clone(targets)
	slices.SortStableFunc(ts, func(a, b Target) int { return a.Priority - b.Priority })
	out := make([]string, 0, len(ts))
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && ts[j].Priority == ts[i].Priority {
			j++
		}
		group := ts[i:j]
		for len(group) > 0 {
			total := 0
			for _, t := range group {
				total += weight(t)
			}
			n := p.rnd.IntN(total)
			k := 0
			for ; n >= weight(group[k]); k++ {
				n -= weight(group[k])
			}
			out = append(out, group[k].Provider)
			group = slices.Delete(group, k, k+1)
		}
		i = j
	}
	return out
}

func weight(t Target) int { return max(t.Weight, 1) }
