package storetest_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/route/storetest"
)

// A suite that cannot fail proves nothing. Each mutant below is a Store with one bug a real store could
// have; the suite must fail on every one of them, in the group that guards against it. The mutants run
// in a child process so their failures do not fail this test binary.

const mutantEnv = "PAYGATE_STORETEST_MUTANT"

var mutants = []struct {
	name  string
	group string // the suite group that must catch it
	want  string // a phrase the failure output must contain
}{
	{"not-found-unwrapped", "get", "must fail with an error wrapping route.ErrNotFound"},
	{"key-folds-case", "get", "must fail with an error wrapping route.ErrNotFound"},
	{"invalid-accepted", "get", "Put must refuse an entry with"},
	{"insert-overwrites", "versions", "must fail with ErrConflict"},
	{"stale-write-accepted", "versions", "must fail with ErrConflict"},
	{"version-not-returned", "versions", "Put must set e.Version to the new version"},
	{"key-ignores-kind", "kinds", `Put refund "shared-1"`},
	{"amount-through-float", "fields", "the entry read back is not the one written"},
	{"zero-amount-lost", "fields", "the entry read back is not the one written"},
	{"times-in-milliseconds", "fields", "a Store must keep microseconds"},
	{"tried-sorted", "fields", "the entry read back is not the one written"},
	{"update-keeps-refund", "fields", "Get of the updated entry"},
	{"shares-entry", "isolation", "an entry its caller changed after Put"},
	{"shares-tried", "isolation", "an entry its caller changed after Put"},
	{"shares-refund", "isolation", "an entry its caller changed after Put"},
	{"keeps-provider-options", "isolation", "Refund.ProviderOptions must not be stored"},
	{"find-matches-empty", "find", `FindByProviderID(payment, "")`},
	{"find-first-only", "find", `FindByProviderID(payment, "pid-x")`},
	{"find-by-prefix", "find", `FindByProviderID(payment, "pid_`},
	{"find-ignores-kind", "find", `FindByProviderID(payment, "pid-x")`},
	{"find-returns-nil", "find", "not nil, when nothing matches"},
	{"find-stale-index", "find", "must not be found by the old one"},
	{"unresolved-by-created", "unresolved", "oldest UpdatedAt first"},
	{"unresolved-keeps-cleared", "unresolved", "whose Open a later Put cleared"},
	{"not-atomic", "concurrency", "both inserted the same key"},
	{"ignores-context", "context", "must fail with the context's error"},
	{"put-despite-cancel", "context", "a Put that failed must leave e.Version alone"},
}

func TestSuiteFailsOnBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run", "^TestMutant$/^"+m.group+"$", "-test.count=1")
			cmd.Env = append(os.Environ(), mutantEnv+"="+m.name)
			out, err := cmd.CombinedOutput()
			assert.Error(t, err, "the suite passed a store that is %s:\n%s", m.name, out)
			assert.Contains(t, string(out), m.want, "the suite failed, but not for the reason expected")
		})
	}
}

// TestMutant runs the suite against the mutant named in the environment; it is a child process of
// TestSuiteFailsOnBrokenStores and skips otherwise.
func TestMutant(t *testing.T) {
	name := os.Getenv(mutantEnv)
	if name == "" {
		t.Skip("only run as a child of TestSuiteFailsOnBrokenStores")
	}
	storetest.Run(t, func(*testing.T) route.Store {
		return &brokenStore{bug: name, entries: map[string]*route.Entry{}, opened: map[string]bool{}, byPID: map[string][]string{}}
	})
}

// TestCorrectStorePasses runs the suite on brokenStore without a bug, so a mutant's failure is its bug's.
func TestCorrectStorePasses(t *testing.T) {
	storetest.Run(t, func(*testing.T) route.Store {
		return &brokenStore{entries: map[string]*route.Entry{}, opened: map[string]bool{}, byPID: map[string][]string{}}
	})
}

// brokenStore is an in-memory Store with the one bug its name says ("" for none).
type brokenStore struct {
	bug     string
	mu      sync.Mutex
	entries map[string]*route.Entry
	opened  map[string]bool     // keys ever stored with Open set, for unresolved-keeps-cleared
	byPID   map[string][]string // provider id to keys, never pruned, for find-stale-index
}

func (s *brokenStore) key(kind route.Kind, id string) string {
	switch s.bug {
	case "key-ignores-kind":
		return id
	case "key-folds-case":
		return strings.ToLower(string(kind) + "/" + id)
	}
	return string(kind) + "/" + id
}

func (s *brokenStore) checkCtx(ctx context.Context) error {
	if s.bug == "ignores-context" {
		return nil
	}
	return ctx.Err()
}

// copyOf is what the store hands out or keeps of e.
func (s *brokenStore) copyOf(e *route.Entry) *route.Entry {
	if s.bug == "shares-entry" {
		return e
	}
	c := *e
	if s.bug != "shares-tried" {
		c.Tried = slices.Clone(e.Tried)
	}
	if e.Refund != nil && s.bug != "shares-refund" {
		r := *e.Refund
		if s.bug != "keeps-provider-options" {
			r.ProviderOptions = nil
		}
		c.Refund = &r
	}
	return &c
}

// written is how the store mangles an entry on the way in.
func (s *brokenStore) written(e *route.Entry) (*route.Entry, error) {
	c := s.copyOf(e)
	switch s.bug {
	case "amount-through-float":
		if !c.Amount.IsZero() {
			f, err := strconv.ParseFloat(c.Amount.Decimal().String(), 64)
			if err != nil {
				return nil, err
			}
			digits, _ := money.Digits(c.Amount.Currency())
			if c.Amount, err = money.Parse(strconv.FormatFloat(f, 'f', digits, 64), c.Amount.Currency()); err != nil {
				return nil, err
			}
		}
	case "zero-amount-lost":
		if c.Amount.Minor() == 0 {
			c.Amount = money.Amount{}
		}
	case "times-in-milliseconds":
		c.CreatedAt, c.UpdatedAt = c.CreatedAt.Truncate(time.Millisecond), c.UpdatedAt.Truncate(time.Millisecond)
	case "tried-sorted":
		slices.Sort(c.Tried)
	}
	return c, nil
}

func (s *brokenStore) Get(ctx context.Context, kind route.Kind, requestID string) (*route.Entry, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[s.key(kind, requestID)]
	if !ok {
		if s.bug == "not-found-unwrapped" {
			return nil, errors.New("no such entry")
		}
		return nil, fmt.Errorf("%w: %s %q", route.ErrNotFound, kind, requestID)
	}
	return s.copyOf(e), nil
}

func (s *brokenStore) FindByProviderID(ctx context.Context, kind route.Kind, providerID string) ([]*route.Entry, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	found := []*route.Entry{}
	if s.bug == "find-returns-nil" {
		found = nil
	}
	if s.bug == "find-stale-index" {
		for _, k := range s.byPID[providerID] {
			if e := s.entries[k]; e.Kind == kind {
				found = append(found, s.copyOf(e))
			}
		}
		return found, nil
	}
	for _, k := range slices.Sorted(maps.Keys(s.entries)) {
		e := s.entries[k]
		match := e.Kind == kind && providerID != "" && e.ProviderID == providerID
		switch s.bug {
		case "find-matches-empty":
			match = e.Kind == kind && e.ProviderID == providerID
		case "find-by-prefix":
			match = e.Kind == kind && providerID != "" && strings.HasPrefix(e.ProviderID, strings.TrimRight(providerID, "%"))
		case "find-ignores-kind":
			match = providerID != "" && e.ProviderID == providerID
		}
		if match {
			found = append(found, s.copyOf(e))
			if s.bug == "find-first-only" {
				break
			}
		}
	}
	return found, nil
}

func (s *brokenStore) Put(ctx context.Context, e *route.Entry) error {
	if s.bug != "put-despite-cancel" {
		if err := s.checkCtx(ctx); err != nil {
			return err
		}
	}
	if e == nil || e.Kind == "" || (e.RequestID == "" && s.bug != "invalid-accepted") {
		return errors.New("an entry needs Kind and RequestID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.key(e.Kind, e.RequestID)
	old, exists := s.entries[k]
	var current int64
	if exists {
		current = old.Version
	}
	if s.bug == "not-atomic" {
		// Checked, then written under a second lock: another writer slips in between.
		s.mu.Unlock()
		time.Sleep(time.Millisecond)
		s.mu.Lock()
	}
	conflict := current != e.Version
	switch s.bug {
	case "insert-overwrites":
		conflict = conflict && e.Version != 0
	case "stale-write-accepted":
		conflict = conflict && !(exists && e.Version > 0)
	}
	if conflict {
		return fmt.Errorf("%w: %s is at version %d, not %d", route.ErrConflict, k, current, e.Version)
	}
	c, err := s.written(e)
	if err != nil {
		return err
	}
	c.Version = current + 1
	if s.bug == "update-keeps-refund" && exists && c.Refund == nil {
		c.Refund = old.Refund
	}
	s.entries[k] = c
	if c.Open != "" {
		s.opened[k] = true
	}
	if c.ProviderID != "" && !slices.Contains(s.byPID[c.ProviderID], k) {
		s.byPID[c.ProviderID] = append(s.byPID[c.ProviderID], k)
	}
	if s.bug != "version-not-returned" {
		e.Version = c.Version
	}
	if s.bug == "put-despite-cancel" {
		return ctx.Err()
	}
	return nil
}

func (s *brokenStore) Unresolved(ctx context.Context) ([]*route.Entry, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	open := []*route.Entry{}
	for k, e := range s.entries {
		if e.Open != "" || (s.bug == "unresolved-keeps-cleared" && s.opened[k]) {
			open = append(open, s.copyOf(e))
		}
	}
	slices.SortFunc(open, func(a, b *route.Entry) int {
		if s.bug == "unresolved-by-created" {
			return a.CreatedAt.Compare(b.CreatedAt)
		}
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.RequestID, b.RequestID))
	})
	return open, nil
}

func TestMutantsAreNamedPlainly(t *testing.T) {
	for _, m := range mutants {
		assert.False(t, strings.ContainsAny(m.name, " /"), m.name)
	}
}
