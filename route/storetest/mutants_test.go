package storetest_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/internal/mutanttest"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/route/storetest"
)

// A suite that cannot fail proves nothing. Each mutant below is a Store with one bug a real store could
// have; the suite must fail on every one of them, in the group that guards against it. The mutants run
// in a child process so their failures do not fail this test binary.

const mutantEnv = "PAYGATE_STORETEST_MUTANT"

var mutants = []mutanttest.Mutant{
	{Name: "not-found-unwrapped", Group: "get", Want: "must fail with an error wrapping route.ErrNotFound"},
	{Name: "key-folds-case", Group: "get", Want: "must fail with an error wrapping route.ErrNotFound"},
	{Name: "invalid-accepted", Group: "get", Want: "Put must refuse an entry with"},
	{Name: "insert-overwrites", Group: "versions", Want: "must fail with ErrConflict"},
	{Name: "stale-write-accepted", Group: "versions", Want: "must fail with ErrConflict"},
	{Name: "version-not-returned", Group: "versions", Want: "Put must set e.Version to the new version"},
	{Name: "key-ignores-kind", Group: "kinds", Want: `Put refund "shared-1"`},
	{Name: "amount-through-float", Group: "fields", Want: "the entry read back is not the one written"},
	{Name: "zero-amount-lost", Group: "fields", Want: "the entry read back is not the one written"},
	{Name: "times-in-milliseconds", Group: "fields", Want: "a Store must keep microseconds"},
	{Name: "tried-sorted", Group: "fields", Want: "the entry read back is not the one written"},
	{Name: "update-keeps-refund", Group: "fields", Want: "Get of the updated entry"},
	{Name: "capture-lost", Group: "fields", Want: "the entry read back is not the one written"},
	{Name: "capture-amount-lost", Group: "fields", Want: "the entry read back is not the one written"},
	{Name: "update-keeps-capture", Group: "fields", Want: "Get of the updated entry"},
	{Name: "capture-kind-refused", Group: "kinds", Want: `Put capture "only-capture"`},
	{Name: "lease-lost", Group: "fields", Want: "a Store must keep the lease"},
	{Name: "update-keeps-lease", Group: "fields", Want: "a Store must keep the lease"},
	{Name: "lease-owner-lost", Group: "fields", Want: "the entry read back is not the one written"},
	{Name: "shares-entry", Group: "isolation", Want: "an entry its caller changed after Put"},
	{Name: "shares-tried", Group: "isolation", Want: "an entry its caller changed after Put"},
	{Name: "shares-refund", Group: "isolation", Want: "an entry its caller changed after Put"},
	{Name: "shares-capture", Group: "isolation", Want: "a capture entry its caller changed after Put"},
	{Name: "keeps-provider-options", Group: "isolation", Want: "Refund.ProviderOptions must not be stored"},
	{Name: "find-matches-empty", Group: "find", Want: `FindByProviderID(payment, "")`},
	{Name: "find-first-only", Group: "find", Want: `FindByProviderID(payment, "pid-x")`},
	{Name: "find-by-prefix", Group: "find", Want: `FindByProviderID(payment, "pid_`},
	{Name: "find-ignores-kind", Group: "find", Want: `FindByProviderID(payment, "pid-x")`},
	{Name: "find-returns-nil", Group: "find", Want: "not nil, when nothing matches"},
	{Name: "find-stale-index", Group: "find", Want: "must not be found by the old one"},
	{Name: "unresolved-by-created", Group: "unresolved", Want: "oldest UpdatedAt first"},
	{Name: "unresolved-keeps-cleared", Group: "unresolved", Want: "whose Open a later Put cleared"},
	{Name: "not-atomic", Group: "concurrency", Want: "both inserted the same key"},
	{Name: "ignores-context", Group: "context", Want: "must fail with the context's error"},
	{Name: "put-despite-cancel", Group: "context", Want: "a Put that failed must leave e.Version alone"},
}

func TestSuiteFailsOnBrokenStores(t *testing.T) {
	mutanttest.Check(t, mutantEnv, "TestMutant", "a store", mutants)
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
	if e.Capture != nil && s.bug != "shares-capture" {
		k := *e.Capture
		c.Capture = &k
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
	case "lease-lost":
		c.LeaseUntil = time.Time{}
	case "lease-owner-lost":
		c.LeaseOwner = ""
	case "capture-lost":
		c.Capture = nil
	case "capture-amount-lost":
		if c.Capture != nil {
			k := *c.Capture
			k.Amount = money.Amount{}
			c.Capture = &k
		}
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
	if s.bug == "update-keeps-capture" && exists && c.Capture == nil {
		c.Capture = old.Capture
	}
	if s.bug == "capture-kind-refused" && e.Kind == route.KindCapture {
		// As a table whose CHECK lists the kinds it was made for.
		return fmt.Errorf("kind %q is not one of payment, refund", e.Kind)
	}
	if s.bug == "update-keeps-lease" && exists && c.LeaseOwner == "" {
		// A lease given back is not written: the old one stays (as an UPDATE that skips empty values would).
		c.LeaseOwner, c.LeaseUntil = old.LeaseOwner, old.LeaseUntil
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
		assert.False(t, strings.ContainsAny(m.Name, " /"), m.Name)
	}
}
