// Package sqldb is the store's SQL, shared by store/sqlite and
// store/postgres: one schema and one set of statements, with the few
// differences of the two dialects in a Dialect.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc/status"
)

// Dialect is what differs between the databases.
type Dialect struct {
	Name string
	// Blob and Int are the column types of byte strings and 64-bit
	// integers.
	Blob, Int string
	// ForUpdate is appended to a SELECT that reads a row the transaction
	// then writes: " FOR UPDATE" where rows are locked, "" where a write
	// transaction already excludes every other writer (SQLite's BEGIN
	// IMMEDIATE).
	ForUpdate string
	// Placeholder rewrites the statements' $1, $2... if needed.
	Placeholder func(string) string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
	// Lock, if set, runs first in the migration transaction (PostgreSQL:
	// an advisory lock, so that two processes do not both migrate).
	Lock string
}

// Migrations, in order: migration i brings the schema to version i+1.
// Never edit one that has shipped; append.
var migrations = []string{
	// 1: status lists, index allocation, the issued-credential log, batch runs.
	`CREATE TABLE status_lists (
		url         TEXT PRIMARY KEY,
		issuer      TEXT NOT NULL,
		purpose     TEXT NOT NULL,
		entries     {{int}} NOT NULL,
		status_size {{int}} NOT NULL,
		bits        {{blob}} NOT NULL,
		next_index  {{int}} NOT NULL,
		version     {{int}} NOT NULL,
		signed      {{blob}} NOT NULL,
		updated_us  {{int}} NOT NULL
	);
	CREATE TABLE batch_runs (
		id          TEXT PRIMARY KEY,
		key_fp      TEXT NOT NULL,
		template_fp TEXT NOT NULL,
		image_fp    TEXT NOT NULL,
		status_list TEXT NOT NULL,
		options_fp  TEXT NOT NULL,
		rows_done   {{int}} NOT NULL,
		created_us  {{int}} NOT NULL
	);
	CREATE TABLE credentials (
		credential_id TEXT PRIMARY KEY,
		learner       TEXT NOT NULL,
		list_url      TEXT,
		list_index    {{int}},
		batch_id      TEXT NOT NULL,
		seq           {{int}} NOT NULL,
		ref           TEXT NOT NULL,
		leaf_hash     {{blob}} NOT NULL,
		issued_us     {{int}} NOT NULL
	);
	CREATE UNIQUE INDEX credentials_status ON credentials (list_url, list_index);
	CREATE INDEX credentials_learner ON credentials (learner);
	CREATE INDEX credentials_batch ON credentials (batch_id, seq)`,
	// 2: delivery tickets (OpenID4VCI offers, codes, tokens, nonces; VC-API exchanges).
	`CREATE TABLE tickets (
		kind       TEXT NOT NULL,
		id         TEXT NOT NULL,
		data       {{blob}} NOT NULL,
		expires_us {{int}} NOT NULL,
		attempts   {{int}} NOT NULL,
		used_us    {{int}},
		PRIMARY KEY (kind, id)
	);
	CREATE INDEX tickets_expiry ON tickets (expires_us)`,
}

// SchemaVersion is the newest schema this code knows.
var SchemaVersion = len(migrations)

// DB is a store over a database/sql handle.
type DB struct {
	db  *sql.DB
	d   Dialect
	now func() time.Time
}

// Open migrates db to the newest schema (refusing a newer one) and
// returns the store over it.
func Open(ctx context.Context, db *sql.DB, d Dialect) (*DB, error) {
	s := &DB{db: db, d: d, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *DB) q(query string) string {
	if s.d.Placeholder != nil {
		return s.d.Placeholder(query)
	}
	return query
}

func (s *DB) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: migrating: %w", s.d.Name, err)
	}
	defer tx.Rollback()
	if s.d.Lock != "" {
		if _, err := tx.ExecContext(ctx, s.d.Lock); err != nil {
			return fmt.Errorf("%s: locking for migration: %w", s.d.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version `+s.d.Int+` NOT NULL)`); err != nil {
		return fmt.Errorf("%s: creating schema_version: %w", s.d.Name, err)
	}
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("%s: reading schema version: %w", s.d.Name, err)
	}
	have := int(v.Int64)
	if have > SchemaVersion {
		return fmt.Errorf("%w: the database has schema version %d, this microcred knows versions up to %d: use a newer microcred", store.ErrSchemaTooNew, have, SchemaVersion)
	}
	if have == SchemaVersion {
		return tx.Commit()
	}
	for i := have; i < SchemaVersion; i++ {
		for _, stmt := range strings.Split(migrations[i], ";") {
			stmt = strings.NewReplacer("{{int}}", s.d.Int, "{{blob}}", s.d.Blob).Replace(stmt)
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: migration %d: %w", s.d.Name, i+1, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return fmt.Errorf("%s: migrating: %w", s.d.Name, err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_version (version) VALUES ($1)`), SchemaVersion); err != nil {
		return fmt.Errorf("%s: migrating: %w", s.d.Name, err)
	}
	return tx.Commit()
}

// SetSchemaVersionForTest writes version as the schema version (to test
// that a newer one is refused).
func (s *DB) SetSchemaVersionForTest(ctx context.Context, version int) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE schema_version SET version = $1`), version)
	return err
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

const listColumns = `url, issuer, purpose, entries, status_size, bits, next_index, version, signed, updated_us`

type scanner interface{ Scan(...any) error }

func scanList(r scanner) (*store.List, error) {
	var l store.List
	var us int64
	if err := r.Scan(&l.URL, &l.Issuer, &l.Purpose, &l.Entries, &l.StatusSize, &l.Bits, &l.Next, &l.Version, &l.Signed, &us); err != nil {
		return nil, err
	}
	l.Updated = fromMicros(us)
	return &l, nil
}

func (s *DB) getList(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, url string, lock bool) (*store.List, error) {
	query := `SELECT ` + listColumns + ` FROM status_lists WHERE url = $1`
	if lock {
		query += s.d.ForUpdate
	}
	l, err := scanList(q.QueryRowContext(ctx, s.q(query), url))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: status list %s", store.ErrNotFound, url)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading status list %s: %w", s.d.Name, url, err)
	}
	return l, nil
}

// List implements store.Store.
func (s *DB) List(ctx context.Context, url string) (*store.List, error) {
	return s.getList(ctx, s.db, url, false)
}

// CreateList implements store.Store.
func (s *DB) CreateList(ctx context.Context, spec store.ListSpec, sign func(*store.List) ([]byte, error)) (*store.List, bool, error) {
	if err := spec.Validate(); err != nil {
		return nil, false, err
	}
	if sign == nil {
		return nil, false, fmt.Errorf("%w: CreateList needs a sign function", store.ErrInvalid)
	}
	if l, err := s.List(ctx, spec.URL); err == nil {
		if m := l.Mismatch(spec); m != "" {
			return nil, false, fmt.Errorf("%w: %s has %s", store.ErrListMismatch, spec.URL, m)
		}
		return l, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	l := &store.List{ListSpec: spec, Bits: make([]byte, spec.BitsLen()), Version: 1, Updated: s.now().UTC().Truncate(time.Microsecond)}
	signed, err := sign(l)
	if err != nil {
		return nil, false, err
	}
	if len(signed) == 0 {
		return nil, false, fmt.Errorf("%w: status list %s: sign returned nothing", store.ErrInvalid, spec.URL)
	}
	l.Signed = signed
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO status_lists (`+listColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (url) DO NOTHING`),
		l.URL, l.Issuer, l.Purpose, l.Entries, l.StatusSize, l.Bits, 0, l.Version, l.Signed, micros(l.Updated))
	if err != nil {
		return nil, false, fmt.Errorf("%s: creating status list %s: %w", s.d.Name, spec.URL, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return l, true, nil
	}
	// Another process created it meanwhile.
	got, err := s.List(ctx, spec.URL)
	if err != nil {
		return nil, false, err
	}
	if m := got.Mismatch(spec); m != "" {
		return nil, false, fmt.Errorf("%w: %s has %s", store.ErrListMismatch, spec.URL, m)
	}
	return got, false, nil
}

// UpdateList implements store.Store.
func (s *DB) UpdateList(ctx context.Context, url string, edit func(*store.List) error) (*store.List, error) {
	if edit == nil {
		return nil, fmt.Errorf("%w: UpdateList needs an edit function", store.ErrInvalid)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: updating status list %s: %w", s.d.Name, url, err)
	}
	defer tx.Rollback()
	l, err := s.getList(ctx, tx, url, true)
	if err != nil {
		return nil, err
	}
	before := l.ListSpec
	next, version := l.Next, l.Version
	if err := edit(l); err != nil {
		return nil, err
	}
	if l.ListSpec != before || l.Next != next || l.Version != version {
		return nil, fmt.Errorf("%w: status list %s: edit may change only the bits and the signed copy", store.ErrInvalid, url)
	}
	if len(l.Bits) != before.BitsLen() {
		return nil, fmt.Errorf("%w: status list %s: %d bytes of bits, want %d", store.ErrInvalid, url, len(l.Bits), before.BitsLen())
	}
	if len(l.Signed) == 0 {
		return nil, fmt.Errorf("%w: status list %s: edit left no signed copy", store.ErrInvalid, url)
	}
	l.Version++
	l.Updated = s.now().UTC().Truncate(time.Microsecond)
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE status_lists SET bits = $1, signed = $2, version = $3, updated_us = $4 WHERE url = $5`),
		l.Bits, l.Signed, l.Version, micros(l.Updated), url); err != nil {
		return nil, fmt.Errorf("%s: updating status list %s: %w", s.d.Name, url, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("%s: updating status list %s: %w", s.d.Name, url, err)
	}
	return l, nil
}

// Reserve implements store.Allocator: the list's row is read and advanced
// in one transaction that holds it (PostgreSQL: SELECT ... FOR UPDATE;
// SQLite: a write transaction begun IMMEDIATE, which excludes every other
// writer of the file), so two reservations never overlap.
func (s *DB) Reserve(ctx context.Context, url string, n int) (store.Block, error) {
	if n < 1 || n > store.MaxReserve {
		return store.Block{}, fmt.Errorf("%w: reserving %d indexes (1 to %d)", store.ErrInvalid, n, store.MaxReserve)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Block{}, fmt.Errorf("%s: reserving indexes of %s: %w", s.d.Name, url, err)
	}
	defer tx.Rollback()
	var next, entries int
	err = tx.QueryRowContext(ctx, s.q(`SELECT next_index, entries FROM status_lists WHERE url = $1`+s.d.ForUpdate), url).Scan(&next, &entries)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Block{}, fmt.Errorf("%w: status list %s", store.ErrNotFound, url)
	}
	if err != nil {
		return store.Block{}, fmt.Errorf("%s: reserving indexes of %s: %w", s.d.Name, url, err)
	}
	if next >= entries {
		return store.Block{}, fmt.Errorf("%w: %s: all %d entries are reserved", status.ErrListFull, url, entries)
	}
	count := min(n, entries-next)
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE status_lists SET next_index = $1 WHERE url = $2`), next+count, url); err != nil {
		return store.Block{}, fmt.Errorf("%s: reserving indexes of %s: %w", s.d.Name, url, err)
	}
	if err := tx.Commit(); err != nil {
		return store.Block{}, fmt.Errorf("%s: reserving indexes of %s: %w", s.d.Name, url, err)
	}
	return store.Block{ListURL: url, First: next, Count: count}, nil
}

// Release implements store.Allocator: one conditional UPDATE, which moves
// the list's next index back only if it is still the end of b.
func (s *DB) Release(ctx context.Context, b store.Block, used int) error {
	if used < 0 || used > b.Count {
		return fmt.Errorf("%w: releasing from %d of a block of %d", store.ErrInvalid, used, b.Count)
	}
	if used == b.Count {
		return nil
	}
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE status_lists SET next_index = $1 WHERE url = $2 AND next_index = $3`), b.First+used, b.ListURL, b.First+b.Count)
	if err != nil {
		return fmt.Errorf("%s: releasing indexes of %s: %w", s.d.Name, b.ListURL, err)
	}
	return nil
}

// recordsPerStatement keeps a multi-row INSERT within both databases'
// parameter limits (9 parameters a row).
const recordsPerStatement = 100

const recordColumns = `credential_id, learner, list_url, list_index, batch_id, seq, ref, leaf_hash, issued_us`

// Record implements store.Log.
func (s *DB) Record(ctx context.Context, recs []store.Record) error {
	if err := validateRecords(recs); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: logging credentials: %w", s.d.Name, err)
	}
	defer tx.Rollback()
	var full *sql.Stmt
	for start := 0; start < len(recs); start += recordsPerStatement {
		chunk := recs[start:min(start+recordsPerStatement, len(recs))]
		args := make([]any, 0, 9*len(chunk))
		for _, r := range chunk {
			var list, index any
			if r.ListURL != "" {
				list, index = r.ListURL, r.Index
			}
			args = append(args, r.CredentialID, r.Learner, list, index, r.Batch, r.Seq, r.Ref, r.LeafHash, micros(r.IssuedAt))
		}
		if len(chunk) == recordsPerStatement {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, s.insertRecords(len(chunk))); err != nil {
					return fmt.Errorf("%s: logging credentials: %w", s.d.Name, err)
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, s.insertRecords(len(chunk)), args...)
		}
		if err != nil {
			if s.d.IsUnique(err) {
				tx.Rollback()
				return s.conflict(ctx, recs)
			}
			return fmt.Errorf("%s: logging credentials: %w", s.d.Name, err)
		}
	}
	// Each batch's count of rows done moves with its records.
	counts := map[string]int{}
	for _, r := range recs {
		if r.Batch != "" {
			counts[r.Batch]++
		}
	}
	for batch, n := range counts {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE batch_runs SET rows_done = rows_done + $1 WHERE id = $2`), n, batch); err != nil {
			return fmt.Errorf("%s: logging credentials: %w", s.d.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: logging credentials: %w", s.d.Name, err)
	}
	return nil
}

func (s *DB) insertRecords(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO credentials (` + recordColumns + `) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", 9*i+j+1)
		}
		b.WriteString(")")
	}
	return s.q(b.String())
}

// conflict names the record of recs that a unique constraint refused.
func (s *DB) conflict(ctx context.Context, recs []store.Record) error {
	seen := map[string]int{}
	seenIdx := map[store.Block]int{}
	for i, r := range recs {
		if j, ok := seen[r.CredentialID]; ok {
			return fmt.Errorf("%w: %s is records %d and %d of one call", store.ErrDuplicateCredential, r.CredentialID, j, i)
		}
		seen[r.CredentialID] = i
		if r.ListURL != "" {
			k := store.Block{ListURL: r.ListURL, First: r.Index}
			if j, ok := seenIdx[k]; ok {
				return fmt.Errorf("%w: %s index %d is records %d and %d of one call", store.ErrIndexReused, r.ListURL, r.Index, j, i)
			}
			seenIdx[k] = i
		}
	}
	for _, r := range recs {
		var batch string
		err := s.db.QueryRowContext(ctx, s.q(`SELECT batch_id FROM credentials WHERE credential_id = $1`), r.CredentialID).Scan(&batch)
		if err == nil {
			return fmt.Errorf("%w: %s (in batch %q already)", store.ErrDuplicateCredential, r.CredentialID, batch)
		}
		if r.ListURL == "" {
			continue
		}
		var other string
		err = s.db.QueryRowContext(ctx, s.q(`SELECT credential_id FROM credentials WHERE list_url = $1 AND list_index = $2`), r.ListURL, r.Index).Scan(&other)
		if err == nil {
			return fmt.Errorf("%w: %s index %d is %s's, not %s's", store.ErrIndexReused, r.ListURL, r.Index, other, r.CredentialID)
		}
	}
	return fmt.Errorf("%w: a record conflicts with one written meanwhile", store.ErrDuplicateCredential)
}

// Find implements store.Log.
func (s *DB) Find(ctx context.Context, q store.Query) ([]store.Record, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = store.MaxRecords
	}
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"credential_id", q.CredentialID}, {"learner", q.Learner}, {"batch_id", q.Batch}} {
		if c.v != "" {
			args = append(args, c.v)
			where = append(where, fmt.Sprintf("%s = $%d", c.col, len(args)))
		}
	}
	args = append(args, limit+1)
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+recordColumns+` FROM credentials WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY batch_id, seq, credential_id LIMIT $%d`, len(args))), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the credential log: %w", s.d.Name, err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		var r store.Record
		var list sql.NullString
		var index sql.NullInt64
		var us int64
		if err := rows.Scan(&r.CredentialID, &r.Learner, &list, &index, &r.Batch, &r.Seq, &r.Ref, &r.LeafHash, &us); err != nil {
			return nil, fmt.Errorf("%s: reading the credential log: %w", s.d.Name, err)
		}
		r.ListURL, r.Index = list.String, -1
		if index.Valid {
			r.Index = int(index.Int64)
		}
		r.IssuedAt = fromMicros(us)
		if len(out) == limit {
			return nil, fmt.Errorf("%w: more than %d records match", store.ErrTooMany, limit)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: reading the credential log: %w", s.d.Name, err)
	}
	return out, nil
}

// CreateRun implements store.Store.
func (s *DB) CreateRun(ctx context.Context, r store.Run) error {
	if r.ID == "" {
		return fmt.Errorf("%w: batch run id is empty", store.ErrInvalid)
	}
	created := r.Created
	if created.IsZero() {
		created = s.now()
	}
	fp := r.Fingerprint
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO batch_runs (id, key_fp, template_fp, image_fp, status_list, options_fp, rows_done, created_us)
		VALUES ($1, $2, $3, $4, $5, $6, 0, $7) ON CONFLICT (id) DO NOTHING`), r.ID, fp.Key, fp.Template, fp.Image, fp.StatusList, fp.Options, micros(created))
	if err != nil {
		return fmt.Errorf("%s: creating batch run %s: %w", s.d.Name, r.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%w: %s", store.ErrRunExists, r.ID)
	}
	return nil
}

// ResumeRun implements store.Store.
func (s *DB) ResumeRun(ctx context.Context, id string, fp store.Fingerprint) (*store.Run, error) {
	r := store.Run{ID: id}
	var us int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT key_fp, template_fp, image_fp, status_list, options_fp, rows_done, created_us FROM batch_runs WHERE id = $1`), id).
		Scan(&r.Fingerprint.Key, &r.Fingerprint.Template, &r.Fingerprint.Image, &r.Fingerprint.StatusList, &r.Fingerprint.Options, &r.RowsDone, &us)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: batch run %s", store.ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading batch run %s: %w", s.d.Name, id, err)
	}
	r.Created = fromMicros(us)
	if d := r.Fingerprint.Diff(fp); len(d) > 0 {
		return nil, &store.RunMismatchError{Run: id, Fields: d}
	}
	return &r, nil
}

// validateRecords checks records before they are written.
func validateRecords(recs []store.Record) error {
	if len(recs) > store.MaxRecords {
		return fmt.Errorf("%w: %d records in one call (at most %d)", store.ErrTooMany, len(recs), store.MaxRecords)
	}
	for i, r := range recs {
		switch {
		case r.CredentialID == "":
			return fmt.Errorf("%w: record %d: credential id is empty", store.ErrInvalid, i)
		case r.ListURL == "" && r.Index != -1:
			return fmt.Errorf("%w: record %d (%s): index %d without a list", store.ErrInvalid, i, r.CredentialID, r.Index)
		case r.ListURL != "" && r.Index < 0:
			return fmt.Errorf("%w: record %d (%s): index %d", store.ErrInvalid, i, r.CredentialID, r.Index)
		case r.IssuedAt.IsZero():
			return fmt.Errorf("%w: record %d (%s): issued-at time is zero", store.ErrInvalid, i, r.CredentialID)
		}
	}
	return nil
}
