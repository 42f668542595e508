package route_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/route"
)

func TestRuleMatches(t *testing.T) {
	req := func(amount money.Amount, country, methodType, methodName string) *paygate.CreateRequest {
		return &paygate.CreateRequest{PaymentRequestID: "p", Amount: amount,
			Customer: paygate.Customer{Country: country}, Method: paygate.Method{Type: methodType, Name: methodName}}
	}
	idr := func(v string) money.Amount { return money.MustParse(v, "IDR") }
	base := req(usd("10.00"), "ID", "EWALLET", "DANA")
	tests := []struct {
		name string
		rule route.Rule
		req  *paygate.CreateRequest
		want bool
	}{
		{"empty rule is a catch-all", route.Rule{}, base, true},
		{"empty rule matches a bare request", route.Rule{}, req(idr("1"), "", "", ""), true},

		{"currency listed", route.Rule{Currencies: []string{"IDR", "USD"}}, base, true},
		{"currency not listed", route.Rule{Currencies: []string{"IDR"}}, base, false},

		{"country listed", route.Rule{Countries: []string{"PH", "ID"}}, base, true},
		{"country not listed", route.Rule{Countries: []string{"PH"}}, base, false},
		{"no country never matches a country rule", route.Rule{Countries: []string{"ID"}}, req(usd("1"), "", "EWALLET", "DANA"), false},

		{"method type, other case", route.Rule{MethodTypes: []string{"ewallet"}}, base, true},
		{"method type not listed", route.Rule{MethodTypes: []string{"CARD"}}, base, false},
		{"no method type never matches a type rule", route.Rule{MethodTypes: []string{"EWALLET"}}, req(usd("1"), "ID", "", "DANA"), false},
		{"method name, other case", route.Rule{MethodNames: []string{"Dana"}}, base, true},
		{"method name not listed", route.Rule{MethodNames: []string{"GCASH"}}, base, false},
		{"no method name never matches a name rule", route.Rule{MethodNames: []string{"DANA"}}, req(usd("1"), "ID", "EWALLET", ""), false},

		{"min inclusive, equal", route.Rule{MinAmount: usd("10.00")}, base, true},
		{"min, above", route.Rule{MinAmount: usd("9.99")}, base, true},
		{"min, below", route.Rule{MinAmount: usd("10.01")}, base, false},
		{"max inclusive, equal", route.Rule{MaxAmount: usd("10.00")}, base, true},
		{"max, below", route.Rule{MaxAmount: usd("10.01")}, base, true},
		{"max, above", route.Rule{MaxAmount: usd("9.99")}, base, false},
		{"min and max around", route.Rule{MinAmount: usd("5"), MaxAmount: usd("20")}, base, true},
		{"min bound in another currency never matches", route.Rule{MinAmount: idr("1")}, base, false},
		{"max bound in another currency never matches", route.Rule{MaxAmount: idr("1000000000")}, base, false},

		{"every condition holds", route.Rule{Currencies: []string{"USD"}, Countries: []string{"ID"},
			MethodTypes: []string{"ewallet"}, MethodNames: []string{"dana"}, MinAmount: usd("1"), MaxAmount: usd("100")}, base, true},
		{"one condition fails", route.Rule{Currencies: []string{"USD"}, Countries: []string{"ID"},
			MethodTypes: []string{"ewallet"}, MethodNames: []string{"gcash"}, MinAmount: usd("1"), MaxAmount: usd("100")}, base, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.rule.Matches(tt.req))
		})
	}
}

func TestCandidatesFirstMatchingRuleWins(t *testing.T) {
	gws := map[string]paygate.Gateway{"a": newFake("a"), "b": newFake("b"), "c": newFake("c")}
	r := newRouter(t, route.Config{Providers: gws, Rules: []route.Rule{
		{Name: "usd-big", Currencies: []string{"USD"}, MinAmount: usd("100"), Targets: targets("c")},
		{Name: "usd", Currencies: []string{"USD"}, Targets: targets("a", "b")},
		{Name: "all", Targets: targets("b", "a")},
		{Name: "never-reached", Targets: targets("c")},
	}})
	tests := []struct {
		amount    money.Amount
		rule      string
		providers []string
	}{
		{usd("100"), "usd-big", []string{"c"}},
		{usd("99.99"), "usd", []string{"a", "b"}},
		{money.MustParse("5", "EUR"), "all", []string{"b", "a"}},
	}
	for _, tt := range tests {
		req := createReq("p")
		req.Amount = tt.amount
		rule, providers := r.Candidates(req)
		assert.Equal(t, tt.rule, rule, "rule for %s", tt.amount)
		assert.Equal(t, tt.providers, providers, "providers for %s", tt.amount)
	}

	// No rule matches: nothing.
	r = newRouter(t, route.Config{Providers: gws, Rules: []route.Rule{{Name: "eur", Currencies: []string{"EUR"}, Targets: targets("a")}}})
	rule, providers := r.Candidates(createReq("p"))
	assert.Empty(t, rule)
	assert.Empty(t, providers)
}

func TestCandidatesPriorityOrder(t *testing.T) {
	gws := map[string]paygate.Gateway{"a": newFake("a"), "b": newFake("b"), "c": newFake("c")}
	r := newRouter(t, route.Config{Providers: gws, Rules: []route.Rule{{Targets: []route.Target{
		{Provider: "a", Priority: 10}, {Provider: "b", Priority: -1}, {Provider: "c", Priority: 3},
	}}}})
	for range 50 {
		_, providers := r.Candidates(createReq("p"))
		require.Equal(t, []string{"b", "c", "a"}, providers)
	}
}

// firstShares draws the candidates n times with a seeded source and returns how often each provider
// came first, as a fraction; it also checks every draw lists each target exactly once and that
// lower-priority targets always come after.
func firstShares(t *testing.T, ts []route.Target, n int) map[string]float64 {
	t.Helper()
	gws := map[string]paygate.Gateway{}
	for _, tg := range ts {
		gws[tg.Provider] = newFake(tg.Provider)
	}
	r := newRouter(t, route.Config{Providers: gws, Rules: []route.Rule{{Targets: ts}},
		Rand: rand.New(rand.NewPCG(1, 2))})
	first := map[string]int{}
	for range n {
		_, providers := r.Candidates(createReq("p"))
		require.Len(t, providers, len(ts))
		require.ElementsMatch(t, r.Providers(), providers)
		first[providers[0]]++
	}
	shares := map[string]float64{}
	for name, c := range first {
		shares[name] = float64(c) / float64(n)
	}
	return shares
}

func TestCandidatesWeights(t *testing.T) {
	const n, tolerance = 4000, 0.03
	tests := []struct {
		name    string
		targets []route.Target
		want    map[string]float64
	}{
		{"3:1", []route.Target{{Provider: "a", Weight: 3}, {Provider: "b", Weight: 1}}, map[string]float64{"a": 0.75, "b": 0.25}},
		{"1:3", []route.Target{{Provider: "a", Weight: 1}, {Provider: "b", Weight: 3}}, map[string]float64{"a": 0.25, "b": 0.75}},
		{"weight 0 counts as 1, against 1", []route.Target{{Provider: "a"}, {Provider: "b", Weight: 1}}, map[string]float64{"a": 0.5, "b": 0.5}},
		{"weight 0 counts as 1, against 3", []route.Target{{Provider: "a"}, {Provider: "b", Weight: 3}}, map[string]float64{"a": 0.25, "b": 0.75}},
		{"both 0", []route.Target{{Provider: "a"}, {Provider: "b"}}, map[string]float64{"a": 0.5, "b": 0.5}},
		{"2:1:1", []route.Target{{Provider: "a", Weight: 2}, {Provider: "b", Weight: 1}, {Provider: "c", Weight: 1}},
			map[string]float64{"a": 0.5, "b": 0.25, "c": 0.25}},
		{"weights only within a priority", []route.Target{{Provider: "a", Weight: 100, Priority: 1}, {Provider: "b", Weight: 1}},
			map[string]float64{"b": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := firstShares(t, tt.targets, n)
			for name, want := range tt.want {
				assert.InDelta(t, want, got[name], tolerance, "share of %s first", name)
			}
			for name := range got {
				assert.Contains(t, tt.want, name, "%s came first but should never", name)
			}
		})
	}
}

// The second place among same-priority targets is drawn from the rest, by their weights: with
// a:b:c = 1000:1:3, a is (nearly always) first and b:c share second place 1:3.
func TestCandidatesWeightedSecondPlace(t *testing.T) {
	gws := map[string]paygate.Gateway{"a": newFake("a"), "b": newFake("b"), "c": newFake("c")}
	r := newRouter(t, route.Config{Providers: gws, Rules: []route.Rule{{Targets: []route.Target{
		{Provider: "a", Weight: 1000}, {Provider: "b", Weight: 1}, {Provider: "c", Weight: 3},
	}}}})
	second := map[string]int{}
	const n = 4000
	for range n {
		_, providers := r.Candidates(createReq("p"))
		second[providers[1]]++
	}
	assert.InDelta(t, 0.25, float64(second["b"])/n, 0.03)
	assert.InDelta(t, 0.75, float64(second["c"])/n, 0.03)
}

func TestNewRefusesBadConfig(t *testing.T) {
	gws := func() map[string]paygate.Gateway {
		return map[string]paygate.Gateway{"a": newFake("a"), "b": newFake("b")}
	}
	idr := money.MustParse("1000", "IDR")
	tests := []struct {
		name string
		cfg  route.Config
		want string
	}{
		{"no providers", route.Config{Rules: catchAll("a")}, "Providers is empty"},
		{"nil gateway", route.Config{Providers: map[string]paygate.Gateway{"a": nil}, Rules: catchAll("a")}, "nil Gateway"},
		{"empty provider name", route.Config{Providers: map[string]paygate.Gateway{"": newFake("x")}, Rules: catchAll("")}, "no name"},
		{"no rules", route.Config{Providers: gws()}, "Rules is empty"},
		{"no targets", route.Config{Providers: gws(), Rules: []route.Rule{{Name: "r"}}}, "no targets"},
		{"unknown provider", route.Config{Providers: gws(), Rules: catchAll("a", "zz")}, `"zz", which is not in Config.Providers`},
		{"unknown provider in a later rule", route.Config{Providers: gws(), Rules: []route.Rule{
			{Name: "ok", Targets: targets("a")}, {Name: "bad", Targets: targets("c")}}}, `"c", which is not`},
		{"duplicate target", route.Config{Providers: gws(), Rules: catchAll("a", "b", "a")}, `"a" twice`},
		{"negative weight", route.Config{Providers: gws(), Rules: []route.Rule{{Targets: []route.Target{{Provider: "a", Weight: -1}}}}}, "negative weight"},
		{"min bound currency not the rule's currency", route.Config{Providers: gws(), Rules: []route.Rule{
			{Currencies: []string{"IDR"}, MinAmount: usd("1"), Targets: targets("a")}}}, "bounds the amount in USD"},
		{"max bound with several currencies", route.Config{Providers: gws(), Rules: []route.Rule{
			{Currencies: []string{"USD", "IDR"}, MaxAmount: usd("1"), Targets: targets("a")}}}, "bounds the amount in USD"},
		{"bounds in two currencies", route.Config{Providers: gws(), Rules: []route.Rule{
			{MinAmount: usd("1"), MaxAmount: idr, Targets: targets("a")}}}, "two currencies"},
		{"lower-case currency", route.Config{Providers: gws(), Rules: []route.Rule{
			{Currencies: []string{"usd"}, Targets: targets("a")}}}, `currency "usd"`},
		{"unknown currency", route.Config{Providers: gws(), Rules: []route.Rule{
			{Currencies: []string{"XYZ"}, Targets: targets("a")}}}, `currency "XYZ"`},
		{"lower-case country", route.Config{Providers: gws(), Rules: []route.Rule{
			{Countries: []string{"kh"}, Targets: targets("a")}}}, `country "kh"`},
		{"three-letter country", route.Config{Providers: gws(), Rules: []route.Rule{
			{Countries: []string{"KHM"}, Targets: targets("a")}}}, `country "KHM"`},
		{"min above max", route.Config{Providers: gws(), Rules: []route.Rule{
			{MinAmount: usd("10.01"), MaxAmount: usd("10.00"), Targets: targets("a")}}}, "above MaxAmount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := route.New(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, r)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	// The edges of what is allowed.
	for name, rule := range map[string]route.Rule{
		"min equal max":             {MinAmount: usd("10"), MaxAmount: usd("10"), Targets: targets("a")},
		"bound with its currency":   {Currencies: []string{"USD"}, MinAmount: usd("1"), Targets: targets("a")},
		"weights and priorities":    {Targets: []route.Target{{Provider: "a", Weight: 0}, {Provider: "b", Weight: 5, Priority: 1}}},
		"bound without currencies":  {MaxAmount: idr, Targets: targets("b")},
		"catch-all with one target": {Targets: targets("b")},
	} {
		_, err := route.New(route.Config{Providers: gws(), Rules: []route.Rule{rule}})
		assert.NoError(t, err, name)
	}
}

func TestProvidersSorted(t *testing.T) {
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"c": newFake("c"), "a": newFake("a"), "b": newFake("b")},
		Rules: catchAll("a")})
	assert.Equal(t, []string{"a", "b", "c"}, r.Providers())
	assert.Equal(t, "closed", r.BreakerState("a"))
	assert.Empty(t, r.BreakerState("nope"))
}
