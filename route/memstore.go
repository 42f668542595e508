package route

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemoryStore is the in-memory Store, the router's default. It is as durable as the process: use it for
// tests, simulators and single-process services that accept losing the journal on a crash; use a
// database-backed Store (routepg) otherwise. Safe for concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	entries map[storeKey]*Entry
}

type storeKey struct {
	kind Kind
	id   string
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{entries: make(map[storeKey]*Entry)}
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, kind Kind, requestID string) (*Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[storeKey{kind, requestID}]
	if !ok {
		return nil, fmt.Errorf("%w: %s %q", ErrNotFound, kind, requestID)
	}
	return e.Clone(), nil
}

// FindByProviderID implements Store.
func (s *MemoryStore) FindByProviderID(ctx context.Context, kind Kind, providerID string) ([]*Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	found := []*Entry{}
	for k, e := range s.entries {
		if k.kind == kind && providerID != "" && e.ProviderID == providerID {
			found = append(found, e.Clone())
		}
	}
	slices.SortFunc(found, func(a, b *Entry) int { return cmp.Compare(a.RequestID, b.RequestID) })
	return found, nil
}

// Put implements Store.
func (s *MemoryStore) Put(ctx context.Context, e *Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e == nil || e.Kind == "" || e.RequestID == "" {
		return fmt.Errorf("route: Put needs an entry with Kind and RequestID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := storeKey{e.Kind, e.RequestID}
	var stored int64
	if old, ok := s.entries[k]; ok {
		stored = old.Version
	}
	if stored != e.Version {
		return fmt.Errorf("%w: %s %q is at version %d, not %d", ErrConflict, e.Kind, e.RequestID, stored, e.Version)
	}
	e.Version++
	s.entries[k] = e.Clone()
	return nil
}

// Unresolved implements Store.
func (s *MemoryStore) Unresolved(ctx context.Context) ([]*Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	open := []*Entry{}
	for _, e := range s.entries {
		if e.Open != "" {
			open = append(open, e.Clone())
		}
	}
	slices.SortFunc(open, func(a, b *Entry) int {
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.RequestID, b.RequestID))
	})
	return open, nil
}
