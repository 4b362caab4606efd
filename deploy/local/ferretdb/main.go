// Command aktywni-ferretdb runs FerretDB 1.x embedded, with its SQLite backend, as the local
// MongoDB-wire-protocol database of the Aktywni development stack, behind a small proxy that
// makes its write commands atomic (wireproxy.go), and with an index that makes lookups by _id
// use an index instead of a scan (idindex.go).
//
// --postgresql-url selects FerretDB's PostgreSQL backend instead (a server run by someone else);
// it is kept to measure the choice again (docs/decisions/0002-ferretdb-version-and-backend.md).
//
// FerretDB is used as a library (github.com/FerretDB/FerretDB/ferretdb) rather than through
// `go install .../cmd/ferretdb`, whose binary panics at start-up when built outside FerretDB's own
// repository (its version file is generated there and absent from the module).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "", "directory of the SQLite databases (created if missing)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	writeLock := flag.String("write-lock", envOr("AKTYWNI_FERRETDB_WRITE_LOCK", "database"),
		"database: write commands serialised per database; global: one lock across every database")
	postgreSQLURL := flag.String("postgresql-url", "", "use FerretDB's PostgreSQL backend at this URL instead of SQLite")
	flag.Parse()
	if *writeLock != "database" && *writeLock != "global" {
		fmt.Fprintf(os.Stderr, "aktywni-ferretdb: --write-lock %q: database or global\n", *writeLock)
		os.Exit(2)
	}

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "aktywni-ferretdb: --data-dir is required")
		os.Exit(2)
	}
	dir, err := filepath.Abs(*dataDir)
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "aktywni-ferretdb: data dir %q: %v\n", *dataDir, err)
		os.Exit(1)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "aktywni-ferretdb: --log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	socketDir, err := os.MkdirTemp("", "aktywni-ferretdb-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "aktywni-ferretdb: %v\n", err)
		os.Exit(1)
	}
	defer os.RemoveAll(socketDir)
	socket := filepath.Join(socketDir, "ferretdb.sock")

	// FerretDB itself listens on a private Unix socket; clients reach it through the proxy,
	// which makes write commands atomic (see wireproxy.go).
	config := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	}
	if *postgreSQLURL != "" {
		config.Handler, config.SQLiteURL, config.PostgreSQLURL = "postgresql", "", *postgreSQLURL
	}
	f, err := ferretdb.New(config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "aktywni-ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "aktywni-ferretdb: %v\n", err)
		os.Exit(1)
	}
	proxy := &wireProxy{backendNetwork: "unix", backendAddr: socket, global: *writeLock == "global", logger: logger}
	go func() {
		<-ctx.Done()
		listener.Close()
	}()
	go func() {
		if err := proxy.serve(listener); err != nil {
			logger.Error("proxy stopped", "err", err)
			stop()
		}
	}()

	if config.Handler == "sqlite" {
		go newIDIndexer(dir, logger).run(ctx, 200*time.Millisecond)
	}

	logger.Warn("listening", "addr", *listen, "data_dir", dir, "write_lock", *writeLock, "handler", config.Handler)
	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "aktywni-ferretdb: %v\n", err)
		os.Exit(1)
	}
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
