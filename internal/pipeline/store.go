package pipeline

import (
	"sync"

	"github.com/newsevents/newsevents/feeds"
)

// MemoryStore is a Store that forgets everything at exit.
type MemoryStore struct {
	mu   sync.Mutex
	done map[string]bool
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{done: map[string]bool{}} }

// Seen reports whether the item's GUID or link is done.
func (s *MemoryStore) Seen(it feeds.Item) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return (it.GUID != "" && s.done["guid:"+it.GUID]) || s.done["url:"+feeds.CanonicalURL(it.Link)], nil
}

// SeenURL reports whether the canonical URL is done.
func (s *MemoryStore) SeenURL(u string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done["url:"+feeds.CanonicalURL(u)], nil
}

// MarkDone records the item as done.
func (s *MemoryStore) MarkDone(it feeds.Item, canonical string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it.GUID != "" {
		s.done["guid:"+it.GUID] = true
	}
	s.done["url:"+feeds.CanonicalURL(it.Link)] = true
	if canonical != "" {
		s.done["url:"+feeds.CanonicalURL(canonical)] = true
	}
	return nil
}
