package feeds

import (
	bolt "go.etcd.io/bbolt"
)

// Size is the size of the store's data in bytes (0 when closed).
func (s *Store) Size() int64 {
	var n int64
	_ = s.db.View(func(tx *bolt.Tx) error {
		n = tx.Size()
		return nil
	})
	return n
}

// Check reports whether the store is open and readable, for /readyz.
func (s *Store) Check() error {
	return s.db.View(func(*bolt.Tx) error { return nil })
}
