package main

// A MongoDB wire-protocol proxy in front of the embedded FerretDB that runs write commands one at
// a time.
//
// FerretDB 1.x carries out update, findAndModify and delete as "query, then write back" without a
// transaction around the two, so two concurrent conditional updates of one document can both
// succeed and one `$inc` can overwrite another. MongoDB guarantees single-document atomicity, and
// Aktywni's design relies on it (outbox leases, idempotent consumers, bookings that never exceed
// capacity). Serialising the write commands restores that guarantee; reads still run in parallel.
// FerretDB's SQLite backend serialises writes to a database file anyway, so little is lost.

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
	writes         sync.Mutex
	logger         *slog.Logger
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
	if writeCommands[commandName(request)] {
		p.writes.Lock()
		defer p.writes.Unlock()
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

// commandName is the first key of an OP_MSG's body section (kind 0), e.g. "update"; "" otherwise.
func commandName(message []byte) string {
	if opCode(message) != opMsg || len(message) < headerLen+5 {
		return ""
	}
	pos := headerLen + 4
	for pos < len(message) {
		kind := message[pos]
		pos++
		if pos+4 > len(message) {
			return ""
		}
		size := int(int32(binary.LittleEndian.Uint32(message[pos : pos+4])))
		if size < 5 || pos+size > len(message) {
			return ""
		}
		if kind == 0 {
			// BSON document: int32 length, then elements: type byte, cstring name, value.
			doc := message[pos : pos+size]
			if len(doc) < 6 || doc[4] == 0 {
				return ""
			}
			for i := 5; i < len(doc); i++ {
				if doc[i] == 0 {
					return string(doc[5:i])
				}
			}
			return ""
		}
		pos += size // kind 1: a document sequence, size includes itself
	}
	return ""
}
