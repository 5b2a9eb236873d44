package feeds

// The state store is bbolt (go.etcd.io/bbolt), chosen because:
//   - it is embedded and pure Go: one file under --state-dir, no cgo, no
//     server, nothing to operate;
//   - every read-write transaction is committed with fsync before Update or
//     Batch returns, so a MarkDone that returned survives a kill -9 or a power
//     cut — the property the exactly-once-per-article promise rests on;
//   - it is a B+tree with ACID transactions and a single writer, which fits a
//     workload of many small point reads (Seen) and few small writes, and it
//     is long-lived and widely used (etcd, Consul);
//   - DB.Batch coalesces the concurrent writes of many pollers and workers
//     into one commit, so 10,000 feeds do not cost 10,000 fsyncs.
// Its one process per file lock is why `feeds status` falls back to the
// snapshot a running instance writes (see WriteSnapshot).

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"go.uber.org/zap"
)

// DefaultRetention is how long a done article is remembered.
const DefaultRetention = 30 * 24 * time.Hour

// StateFile is the bbolt file in the state directory; SnapshotFile is the
// status snapshot a running scheduler writes next to it.
const (
	StateFile    = "state.db"
	SnapshotFile = "status.json"
)

var (
	bucketFeeds     = []byte("feeds")      // feed URL -> FeedState JSON
	bucketGUID      = []byte("done_guid")  // feed URL \0 GUID -> done time
	bucketURL       = []byte("done_url")   // canonical article URL -> done time
	bucketTitle     = []byte("done_title") // sha256(feed, title, day)[:16] -> done time
	bucketDoneCount = []byte("done_count") // feed URL -> articles marked done
	bucketPending   = []byte("pending")    // feed URL -> JSON []PendingItem
	doneBuckets     = [][]byte{bucketGUID, bucketURL, bucketTitle}
)

// ErrStateLocked is returned by OpenStore when another process holds the state.
var ErrStateLocked = errors.New("state is in use by another newsevents process")

// StoreOptions configure a Store. Zero values mean the defaults.
type StoreOptions struct {
	// Retention is how long a done article is remembered (default 30 days).
	Retention time.Duration
	// LockTimeout is how long to wait for another process to release the
	// state file (default 1s).
	LockTimeout time.Duration
	// ReadOnly opens the state for reading (feeds status).
	ReadOnly bool
	Logger   *zap.Logger
}

// Store is the durable state of the feeds and of the articles done. It
// implements pipeline.Store (Seen, SeenURL, MarkDone) and is safe for
// concurrent use.
type Store struct {
	db        *bolt.DB
	dir       string
	retention time.Duration
	log       *zap.Logger
}

// FeedState is what is remembered of one feed between polls and restarts.
type FeedState struct {
	URL  string `json:"url"`
	Name string `json:"name,omitempty"`
	// Validators for conditional GET, stored independently: a feed may
	// send one, the other or both.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`

	NextPoll    time.Time     `json:"next_poll"`
	Interval    time.Duration `json:"interval,omitempty"` // last interval used
	LastPoll    time.Time     `json:"last_poll,omitzero"`
	LastSuccess time.Time     `json:"last_success,omitzero"`
	// Failures counts consecutive failed polls; 0 when the last poll worked.
	Failures     int       `json:"consecutive_failures"`
	FailingSince time.Time `json:"failing_since,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	LastErrorAt  time.Time `json:"last_error_at,omitzero"`
	// MovedTo is where URL permanently redirects (301, 308; the end of the
	// chain's leading permanent hops), polled directly instead of URL
	// until it answers 404 or 410; "" if the feed has not moved. URL stays
	// the feed's identity (state key, shard, metrics): update the
	// configuration to adopt the new address.
	MovedTo string    `json:"moved_to,omitempty"`
	MovedAt time.Time `json:"moved_at,omitzero"`
	// TTL is the feed's last RSS <ttl>, still honoured on 304s.
	TTL time.Duration `json:"ttl,omitempty"`
	// ItemsSeen counts new items the feed has listed (emitted for processing).
	ItemsSeen int64 `json:"items_seen"`
	// Pending counts items emitted but not yet done (read from its own bucket).
	Pending int `json:"pending"`
	// Done counts articles of this feed marked done (read from its own bucket).
	Done int64 `json:"done"`
}

// OpenStore opens (creating if needed) the state in dir.
func OpenStore(dir string, opts StoreOptions) (*Store, error) {
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	path := filepath.Join(dir, StateFile)
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("state %s: %w", dir, err)
		}
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("state dir: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("state %s: %w", path, ErrStateLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	s := &Store{db: db, dir: dir, retention: opts.Retention, log: opts.Logger}
	if !opts.ReadOnly {
		err := db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketFeeds, bucketGUID, bucketURL, bucketTitle, bucketDoneCount, bucketPending} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("state %s: %w", path, err)
		}
	}
	return s, nil
}

// Close closes the state file.
func (s *Store) Close() error { return s.db.Close() }

// Dir is the state directory.
func (s *Store) Dir() string { return s.dir }

// itemKeys are the keys under which an item's article is remembered.
type itemKeys struct {
	guid, url, title []byte // nil when the item lacks the field
}

func keysOf(it Item, canonicalURL string) itemKeys {
	var k itemKeys
	if it.GUID != "" {
		k.guid = []byte(it.FeedURL + "\x00" + it.GUID)
	}
	if canonicalURL == "" && it.Link != "" {
		canonicalURL = CanonicalURL(it.Link)
	}
	if canonicalURL != "" {
		k.url = []byte(canonicalURL)
	}
	k.title = titleKey(it)
	return k
}

// titleKey hashes the feed, the normalised title and the publication day,
// to recognise an article whose feed rewrote its GUID and link. Items
// without a title or a date have none: a title alone repeats too often.
func titleKey(it Item) []byte {
	title := strings.ToLower(strings.Join(strings.Fields(it.Title), " "))
	if title == "" || it.Published == nil || it.Published.IsZero() {
		return nil
	}
	h := sha256.Sum256([]byte(it.FeedURL + "\x00" + title + "\x00" + it.Published.UTC().Format(time.DateOnly)))
	return h[:16]
}

func (k itemKeys) each(f func(bucket, key []byte) error) error {
	for _, p := range []struct{ b, k []byte }{{bucketGUID, k.guid}, {bucketURL, k.url}, {bucketTitle, k.title}} {
		if p.k == nil {
			continue
		}
		if err := f(p.b, p.k); err != nil {
			return err
		}
	}
	return nil
}

var errFound = errors.New("found")

// Seen reports whether the item's article is already done: by GUID (within
// its feed), by canonical link, or by title and publication day.
func (s *Store) Seen(it Item) (bool, error) {
	k := keysOf(it, "")
	err := s.db.View(func(tx *bolt.Tx) error {
		return k.each(func(b, key []byte) error {
			if bk := tx.Bucket(b); bk != nil && bk.Get(key) != nil {
				return errFound
			}
			return nil
		})
	})
	if errors.Is(err, errFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("state: %w", err)
	}
	return false, nil
}

// SeenURL reports whether an article with this canonical URL is done.
func (s *Store) SeenURL(canonicalURL string) (bool, error) {
	if canonicalURL == "" {
		return false, nil
	}
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketURL); b != nil {
			found = b.Get([]byte(canonicalURL)) != nil
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("state: %w", err)
	}
	return found, nil
}

// MarkDone records the article as done under its GUID, its canonical URL
// (canonicalURL, e.g. from rel=canonical, and the item's own link) and its
// title and day. It returns once the record is on disk (fsync).
func (s *Store) MarkDone(it Item, canonicalURL string) error {
	now := stamp(time.Now())
	k := keysOf(it, "")
	var alt []byte
	if canonicalURL != "" && !bytes.Equal([]byte(canonicalURL), k.url) {
		alt = []byte(canonicalURL)
	}
	err := s.db.Batch(func(tx *bolt.Tx) error {
		err := k.each(func(b, key []byte) error { return tx.Bucket(b).Put(key, now) })
		if err != nil {
			return err
		}
		if alt != nil {
			if err := tx.Bucket(bucketURL).Put(alt, now); err != nil {
				return err
			}
		}
		if it.FeedURL != "" {
			cb := tx.Bucket(bucketDoneCount)
			var n uint64
			if v := cb.Get([]byte(it.FeedURL)); len(v) == 8 {
				n = binary.BigEndian.Uint64(v)
			}
			return cb.Put([]byte(it.FeedURL), binary.BigEndian.AppendUint64(nil, n+1))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("state: mark done %s: %w", it.Key(), err)
	}
	return nil
}

// PendingItem is an item handed to the pipeline but not yet marked done.
// It is stored together with the validators that made the feed stop
// listing it as new, so that a crash before MarkDone re-emits it on the next
// start even when the feed then answers 304.
type PendingItem struct {
	Item
	Since time.Time `json:"since"`
}

// SavePoll stores, in one durable transaction, a feed's state after a poll,
// its pending items, and a fresh done time for the items the feed still
// lists (so an article stays remembered for as long as its feed carries it,
// plus the retention window).
func (s *Store) SavePoll(st FeedState, stillListed []Item, pending []PendingItem) error {
	st.Done, st.Pending = 0, len(pending)
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	var pdata []byte
	if len(pending) > 0 {
		if pdata, err = json.Marshal(pending); err != nil {
			return fmt.Errorf("state: %w", err)
		}
	}
	now := stamp(time.Now())
	err = s.db.Batch(func(tx *bolt.Tx) error {
		for _, it := range stillListed {
			err := keysOf(it, "").each(func(b, key []byte) error {
				bk := tx.Bucket(b)
				if bk.Get(key) == nil {
					return nil
				}
				return bk.Put(key, now)
			})
			if err != nil {
				return err
			}
		}
		pb := tx.Bucket(bucketPending)
		if pdata == nil {
			if err := pb.Delete([]byte(st.URL)); err != nil {
				return err
			}
		} else if err := pb.Put([]byte(st.URL), pdata); err != nil {
			return err
		}
		return tx.Bucket(bucketFeeds).Put([]byte(st.URL), data)
	})
	if err != nil {
		return fmt.Errorf("state: save feed %s: %w", st.URL, err)
	}
	return nil
}

// Pending returns the items of a feed emitted but not known to be done.
func (s *Store) Pending(feedURL string) ([]PendingItem, error) {
	var out []PendingItem
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPending)
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(feedURL)); v != nil {
			return json.Unmarshal(v, &out)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: pending of %s: %w", feedURL, err)
	}
	return out, nil
}

// Feed returns the stored state of one feed (ok false if never polled).
func (s *Store) Feed(url string) (st FeedState, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeeds)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(url))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &st)
	})
	if err != nil {
		return FeedState{}, false, fmt.Errorf("state: feed %s: %w", url, err)
	}
	return st, ok, nil
}

// Feeds returns the state of every feed ever polled, sorted by URL, with
// their done counts.
func (s *Store) Feeds() ([]FeedState, error) {
	var out []FeedState
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeeds)
		if b == nil {
			return nil
		}
		counts := tx.Bucket(bucketDoneCount)
		return b.ForEach(func(k, v []byte) error {
			var st FeedState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("feed %s: %w", k, err)
			}
			if counts != nil {
				if c := counts.Get(k); len(c) == 8 {
					st.Done = int64(binary.BigEndian.Uint64(c))
				}
			}
			out = append(out, st)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	// The pending list is rewritten at each poll; count only what is still
	// not done, so the status does not show finished work as pending.
	for i := range out {
		if out[i].Pending == 0 {
			continue
		}
		pending, err := s.Pending(out[i].URL)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, p := range pending {
			if done, err := s.Seen(p.Item); err == nil && !done {
				n++
			}
		}
		out[i].Pending = n
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out, nil
}

// Prune forgets the articles done before now minus the retention window
// and returns how many records it removed.
func (s *Store) Prune(now time.Time) (int, error) {
	cutoff := now.Add(-s.retention).Unix()
	total := 0
	for _, name := range doneBuckets {
		for {
			// Delete in chunks so one prune never holds a huge transaction.
			var n int
			err := s.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(name)
				var old [][]byte
				c := b.Cursor()
				for k, v := c.First(); k != nil && len(old) < 10000; k, v = c.Next() {
					if len(v) == 8 && int64(binary.BigEndian.Uint64(v)) < cutoff {
						old = append(old, bytes.Clone(k))
					}
				}
				for _, k := range old {
					if err := b.Delete(k); err != nil {
						return err
					}
				}
				n = len(old)
				return nil
			})
			if err != nil {
				return total, fmt.Errorf("state: prune: %w", err)
			}
			total += n
			if n < 10000 {
				break
			}
		}
	}
	if total > 0 {
		s.log.Info("pruned done articles past the retention window", zap.Int("records", total), zap.Duration("retention", s.retention))
	}
	return total, nil
}

// Snapshot is the status of the feeds as a running instance last wrote it.
type Snapshot struct {
	WrittenAt time.Time   `json:"written_at"`
	Feeds     []FeedState `json:"feeds"`
}

// WriteSnapshot writes the state of every feed to status.json in the state
// directory (atomically), for `feeds status` to read while this process
// holds the state file's lock.
func (s *Store) WriteSnapshot(now time.Time) error {
	fs, err := s.Feeds()
	if err != nil {
		return err
	}
	data, err := json.Marshal(Snapshot{WrittenAt: now.UTC(), Feeds: fs})
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, SnapshotFile+".*")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, SnapshotFile)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// ReadSnapshot reads the status snapshot from dir.
func ReadSnapshot(dir string) (Snapshot, error) {
	var snap Snapshot
	data, err := os.ReadFile(filepath.Join(dir, SnapshotFile))
	if err != nil {
		return snap, fmt.Errorf("snapshot: %w", err)
	}
	if err := json.Unmarshal(data, &snap); err != nil {
		return snap, fmt.Errorf("snapshot %s: %w", filepath.Join(dir, SnapshotFile), err)
	}
	return snap, nil
}

func stamp(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, uint64(t.Unix())) }
