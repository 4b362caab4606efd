package main

// A MongoDB wire-protocol proxy in front of the embedded FerretDB that runs write commands one at
// a time.
//
// FerretDB 1.x carries out update, findAndModify and delete as "query, then write back" without a
// transaction around the two, so two concurrent conditional updates of one document can both
// succeed and one `$inc` can overwrite another. MongoDB guarantees single-document atomicity, and
// Aktywni's design relies on it (outbox leases, idempotent consumers, bookings that never exceed
// capacity). Serialising the write commands restores that guarantee; reads still run in parallel.
//
// The lock is per database (the command's "$db"): each service has a database of its own, and
// FerretDB's SQLite backend keeps each database in a file of its own with its own connections, so
// two services' writes need not wait for each other. A single-document guarantee needs only the
// writes to the same database serialised. A write whose database cannot be read from the message
// takes every lock at once. `--write-lock=global` selects the former single lock across every
// database (kept to measure the difference: tests/benchmarks/database.py).

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

const (
	opMsg          = 2013
	flagMoreToCome = 1 << 1
	headerLen      = 16
	maxMessageLen  = 48 * 1024 * 1024
)

var writeCommands = map[string]bool{
	"insert":        true,
	"update":        true,
	"delete":        true,
	"findAndModify": true,
	"findandmodify": true,
}

type wireProxy struct {
	backendNetwork string
	backendAddr    string
	// global: one write lock for every database (the former behaviour), else one per database.
	global bool
	logger *slog.Logger

	// all is held shared by a write to a known database and exclusively by any other write.
	all       sync.RWMutex
	mu        sync.Mutex
	databases map[string]*sync.Mutex
}

// lockWrites takes the write lock(s) for a write command on database db ("" when unknown) and
// returns the function that releases them.
func (p *wireProxy) lockWrites(db string) func() {
	if p.global || db == "" {
		p.all.Lock()
		return p.all.Unlock
	}
	p.mu.Lock()
	if p.databases == nil {
		p.databases = map[string]*sync.Mutex{}
	}
	lock := p.databases[db]
	if lock == nil {
		lock = &sync.Mutex{}
		p.databases[db] = lock
	}
	p.mu.Unlock()
	p.all.RLock()
	lock.Lock()
	return func() {
		lock.Unlock()
		p.all.RUnlock()
	}
}

func (p *wireProxy) serve(l net.Listener) error {
	for {
		client, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go p.handle(client)
	}
}

func (p *wireProxy) handle(client net.Conn) {
	defer client.Close()
	backend, err := net.Dial(p.backendNetwork, p.backendAddr)
	if err != nil {
		p.logger.Error("cannot reach FerretDB", "err", err)
		return
	}
	defer backend.Close()
	for {
		request, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				p.logger.Debug("client connection ended", "err", err)
			}
			return
		}
		if err := p.roundTrip(request, client, backend); err != nil {
			p.logger.Debug("connection ended", "err", err)
			return
		}
	}
}

// roundTrip forwards one request and its response(s), holding the write lock for write commands.
func (p *wireProxy) roundTrip(request []byte, client, backend net.Conn) error {
	if name, db := command(request); writeCommands[name] {
		defer p.lockWrites(db)()
	}
	if _, err := backend.Write(request); err != nil {
		return err
	}
	if opCode(request) == opMsg && msgFlags(request)&flagMoreToCome != 0 {
		return nil // fire-and-forget request: no response comes back
	}
	for {
		response, err := readMessage(backend)
		if err != nil {
			return err
		}
		if _, err := client.Write(response); err != nil {
			return err
		}
		if opCode(response) != opMsg || msgFlags(response)&flagMoreToCome == 0 {
			return nil // exhaust cursors send several responses, the last without moreToCome
		}
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	header := make([]byte, headerLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if length < headerLen || length > maxMessageLen {
		return nil, fmt.Errorf("invalid message length %d", length)
	}
	message := make([]byte, length)
	copy(message, header)
	if _, err := io.ReadFull(r, message[headerLen:]); err != nil {
		return nil, err
	}
	return message, nil
}

func opCode(message []byte) int32 { return int32(binary.LittleEndian.Uint32(message[12:16])) }

func msgFlags(message []byte) uint32 {
	if len(message) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(message[16:20])
}

// command is the first key of an OP_MSG's body section (kind 0), e.g. "update", and the value of
// its "$db" string element; "" for either when the message has none or cannot be read.
func command(message []byte) (name, db string) {
	doc := bodySection(message)
	if doc == nil {
		return "", ""
	}
	// BSON document: int32 length, then elements: type byte, cstring name, value; a 0 byte ends it.
	pos := 4
	for first := true; pos < len(doc)-1; first = false {
		kind := doc[pos]
		end := pos + 1
		for end < len(doc) && doc[end] != 0 {
			end++
		}
		if end >= len(doc) {
			return name, ""
		}
		key := string(doc[pos+1 : end])
		if first {
			name = key
		}
		pos = end + 1
		if kind == 0x02 && key == "$db" {
			if pos+4 > len(doc) {
				return name, ""
			}
			size := int(int32(binary.LittleEndian.Uint32(doc[pos : pos+4])))
			if size < 1 || pos+4+size > len(doc) {
				return name, ""
			}
			return name, string(doc[pos+4 : pos+4+size-1])
		}
		size := bsonValueSize(kind, doc[pos:])
		if size < 0 {
			return name, ""
		}
		pos += size
	}
	return name, ""
}

// bsonValueSize is the length in bytes of a BSON value of type kind at the start of b, -1 if unknown.
func bsonValueSize(kind byte, b []byte) int {
	int32At := func(at int) int {
		if at+4 > len(b) {
			return -1
		}
		return int(int32(binary.LittleEndian.Uint32(b[at : at+4])))
	}
	cstring := func(at int) int {
		for i := at; i < len(b); i++ {
			if b[i] == 0 {
				return i + 1 - at
			}
		}
		return -1
	}
	var size int
	switch kind {
	case 0x06, 0x0A, 0x7F, 0xFF: // undefined, null, max key, min key
		size = 0
	case 0x08: // bool
		size = 1
	case 0x10: // int32
		size = 4
	case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
		size = 8
	case 0x07: // ObjectId
		size = 12
	case 0x13: // decimal128
		size = 16
	case 0x02, 0x0D, 0x0E: // string, JavaScript, symbol: int32 length (with its 0 byte), bytes
		if n := int32At(0); n >= 1 {
			size = 4 + n
		} else {
			return -1
		}
	case 0x03, 0x04, 0x0F: // document, array, code with scope: the int32 counts itself
		size = int32At(0)
	case 0x05: // binary: int32 length, subtype byte, bytes
		if n := int32At(0); n >= 0 {
			size = 5 + n
		} else {
			return -1
		}
	case 0x0B: // regular expression: two cstrings
		first := cstring(0)
		if first < 0 {
			return -1
		}
		second := cstring(first)
		if second < 0 {
			return -1
		}
		size = first + second
	case 0x0C: // DBPointer: string, ObjectId
		if n := int32At(0); n >= 1 {
			size = 4 + n + 12
		} else {
			return -1
		}
	default:
		return -1
	}
	if size < 0 || size > len(b) {
		return -1
	}
	return size
}

// bodySection is the BSON document of an OP_MSG's body section (kind 0); nil otherwise.
func bodySection(message []byte) []byte {
	if opCode(message) != opMsg || len(message) < headerLen+5 {
		return nil
	}
	pos := headerLen + 4
	for pos < len(message) {
		kind := message[pos]
		pos++
		if pos+4 > len(message) {
			return nil
		}
		size := int(int32(binary.LittleEndian.Uint32(message[pos : pos+4])))
		if size < 5 || pos+size > len(message) {
			return nil
		}
		if kind == 0 {
			doc := message[pos : pos+size]
			if len(doc) < 6 || doc[4] == 0 {
				return nil
			}
			return doc
		}
		pos += size // kind 1: a document sequence, size includes itself
	}
	return nil
}
