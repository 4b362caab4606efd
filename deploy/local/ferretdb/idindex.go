package main

// FerretDB 1.24's SQLite backend looks documents up by `_ferretdb_sjson->'$._id' = ?` (every
// query, update and delete by _id), but the unique index it creates for _id is on the expression
// `_ferretdb_sjson->"_id"`, which SQLite does not consider the same. Every lookup by _id therefore
// scans the table: measured, an update by _id took 6 ms on 200 documents, 21 ms on 2 000 and 72 ms
// on 8 000. This indexer adds an index on exactly the expression the lookups use, to every
// collection table, shortly after the table appears. FerretDB does not know the index (it keeps
// its own list of indexes) and drops it with the table.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

type idIndexer struct {
	dir    string
	logger *slog.Logger
	dbs    map[string]*sql.DB
	done   map[string]bool
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, dbs: map[string]*sql.DB{}, done: map[string]bool{}}
}

// run indexes new collection tables every interval until ctx ends.
func (x *idIndexer) run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	defer func() {
		for _, db := range x.dbs {
			db.Close()
		}
	}()
	for {
		if err := x.once(ctx); err != nil && ctx.Err() == nil {
			x.logger.Warn("_id indexer", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (x *idIndexer) once(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	for _, file := range files {
		if err := x.indexFile(ctx, file); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(file), err)
		}
	}
	return nil
}

func (x *idIndexer) indexFile(ctx context.Context, file string) error {
	db, ok := x.dbs[file]
	if !ok {
		if _, err := os.Stat(file); err != nil {
			return nil // dropped meanwhile
		}
		var err error
		db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		x.dbs[file] = db
	}
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // FerretDB has not initialised this database yet
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		if !x.done[file+"/"+table] {
			tables = append(tables, table)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, table := range tables {
		stmt := fmt.Sprintf(
			`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"_aktywni_id_lookup", table,
		)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile; a new table gets a new name
			}
			return err
		}
		x.done[file+"/"+table] = true
	}
	return nil
}
