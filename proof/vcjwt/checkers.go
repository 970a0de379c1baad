package vcjwt

import (
	"container/list"
	"errors"
	"reflect"
	"sync"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
)

// maxCheckers bounds the cache of safe-mode checkers. A program signs with
// one context loader, or a few; a program that builds a loader per request
// gets no benefit from the cache, and no longer grows it without end.
const maxCheckers = 16

// checkers caches one safe-mode checker per context loader (its compiled
// contexts are what make the check cheap), least recently used out first.
var checkers = newCheckerCache(maxCheckers)

type checkerCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *checkerEntry, most recently used first
	byKey map[proof.ContextLoader]*list.Element
}

type checkerEntry struct {
	loader proof.ContextLoader
	rdfc   *canon.RDFC
}

func newCheckerCache(max int) *checkerCache {
	return &checkerCache{max: max, order: list.New(), byKey: make(map[proof.ContextLoader]*list.Element)}
}

// get returns the checker for l, building it on a miss. A loader whose type
// cannot be a map key (a func or a struct holding a slice) gets a fresh,
// uncached checker.
func (cc *checkerCache) get(l proof.ContextLoader) (*canon.RDFC, error) {
	if l == nil {
		return nil, errors.New("vcjwt: nil context loader")
	}
	if !reflect.TypeOf(l).Comparable() {
		return canon.NewRDFC(canon.Options{Loader: l})
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if e, ok := cc.byKey[l]; ok {
		cc.order.MoveToFront(e)
		return e.Value.(*checkerEntry).rdfc, nil
	}
	c, err := canon.NewRDFC(canon.Options{Loader: l})
	if err != nil {
		return nil, err
	}
	cc.byKey[l] = cc.order.PushFront(&checkerEntry{loader: l, rdfc: c})
	for cc.order.Len() > cc.max {
		last := cc.order.Back()
		cc.order.Remove(last)
		delete(cc.byKey, last.Value.(*checkerEntry).loader)
	}
	return c, nil
}

// len returns the number of cached checkers.
func (cc *checkerCache) len() int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.order.Len()
}
