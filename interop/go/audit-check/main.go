// Command audit-check verifies LEDS's signed checkpoints, witness cosignatures and Merkle proofs with the Go
// checksum database's own packages (golang.org/x/mod/sumdb/note and sumdb/tlog), so that LEDS's claim to speak
// C2SP signed-note, checkpoint and tlog-cosignature, and RFC 9162 proofs, rests on someone else's code and not
// only on its own verifier.
//
// It reads one JSON document on standard input (see ../README.md), prints one line per check, and exits 0 only
// when every check passed; 1 when one failed, 2 when the input could not be read.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	LogKey      string        `json:"logKey"`
	Origin      string        `json:"origin"`
	Witnesses   []string      `json:"witnesses"`
	Checkpoints []string      `json:"checkpoints"`
	Inclusion   []inclusion   `json:"inclusion"`
	Consistency []consistency `json:"consistency"`
}

// The proof shapes LEDS's public API returns, with the entry's text beside an inclusion proof when the caller
// has it, so that the leaf hash itself is recomputed here rather than taken on trust.
type inclusion struct {
	Seq      int64    `json:"seq"`
	TreeSize int64    `json:"treeSize"`
	LeafHash string   `json:"leafHash"`
	RootHash string   `json:"rootHash"`
	Proof    []string `json:"proof"`
	Entry    *string  `json:"entry"`
}

type consistency struct {
	From     int64    `json:"from"`
	To       int64    `json:"to"`
	FromRoot string   `json:"fromRoot"`
	ToRoot   string   `json:"toRoot"`
	Proof    []string `json:"proof"`
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
	note   *note.Note
}

type report struct {
	out    io.Writer
	failed int
	passed int
}

func (r *report) check(what string, err error) {
	if err != nil {
		r.failed++
		fmt.Fprintf(r.out, "FAIL %s: %v\n", what, err)
		return
	}
	r.passed++
	fmt.Fprintf(r.out, "ok   %s\n", what)
}

func main() {
	var in input
	decoder := json.NewDecoder(os.Stdin)
	// A misspelt field would otherwise be a check silently not made.
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "audit-check: reading the input: %v\n", err)
		os.Exit(2)
	}
	r := &report{out: os.Stdout}
	run(in, r)
	fmt.Fprintf(r.out, "%d passed, %d failed\n", r.passed, r.failed)
	if r.failed > 0 || r.passed == 0 {
		os.Exit(1)
	}
}

func run(in input, r *report) {
	verifier, err := note.NewVerifier(in.LogKey)
	r.check("the log's verifier key parses", err)
	if err != nil {
		return
	}
	if len(in.Checkpoints) == 0 {
		r.check("the input has checkpoints", errors.New("there are none"))
		return
	}
	bySize := map[int64]*checkpoint{}
	var opened []*checkpoint
	for i, text := range in.Checkpoints {
		cp, err := openCheckpoint([]byte(text), verifier, in.Origin)
		r.check(fmt.Sprintf("checkpoint %d opens with %s and parses", i, in.LogKey), err)
		if err != nil {
			continue
		}
		if other := bySize[cp.size]; other != nil && other.root != cp.root {
			r.check(fmt.Sprintf("checkpoint %d agrees with the other of size %d", i, cp.size),
				errors.New("two roots for one size: the log forked"))
		}
		bySize[cp.size] = cp
		opened = append(opened, cp)
	}
	for _, w := range in.Witnesses {
		checkWitness(w, opened, r)
	}
	for _, p := range in.Inclusion {
		r.check(fmt.Sprintf("entry %d is in the checkpoint of size %d", p.Seq, p.TreeSize), checkInclusion(p, bySize))
	}
	for _, p := range in.Consistency {
		r.check(fmt.Sprintf("the checkpoint of size %d extends the one of size %d", p.To, p.From),
			checkConsistency(p, bySize))
	}
}

// openCheckpoint verifies the log's signature with note.Open and parses the text as a C2SP checkpoint: origin,
// decimal size without leading zeros, standard base64 of a 32-byte root, then any extension lines.
func openCheckpoint(msg []byte, verifier note.Verifier, origin string) (*checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(n.Text, "\n")
	if len(lines) < 4 {
		return nil, errors.New("a checkpoint has an origin, a size and a root hash line")
	}
	cp := &checkpoint{origin: strings.TrimSuffix(lines[0], "\n"), note: n}
	if origin != "" && cp.origin != origin {
		return nil, fmt.Errorf("the origin is %q, not %q", cp.origin, origin)
	}
	sizeText := strings.TrimSuffix(lines[1], "\n")
	cp.size, err = strconv.ParseInt(sizeText, 10, 64)
	if err != nil || cp.size < 0 || strconv.FormatInt(cp.size, 10) != sizeText {
		return nil, fmt.Errorf("the size %q is not a decimal number", sizeText)
	}
	cp.root, err = tlog.ParseHash(strings.TrimSuffix(lines[2], "\n"))
	if err != nil {
		return nil, fmt.Errorf("the root hash: %v", err)
	}
	return cp, nil
}

type witness struct {
	name  string
	keyID uint32
	key   ed25519.PublicKey
}

const cosignatureType = 0x04

// parseWitnessKey reads `<name>+<hex key id>+<base64(0x04 || public key)>`. note.NewVerifier refuses the type,
// which x/mod 0.7.0 predates, so the key id is recomputed here as the signed-note spec gives it.
func parseWitnessKey(vkey string) (*witness, error) {
	// Base64 has '+' in its alphabet, so only the first two split the key; names and ids have none.
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 || parts[0] == "" || len(parts[1]) != 8 {
		return nil, errors.New("not <name>+<key id>+<key>")
	}
	id, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil {
		return nil, fmt.Errorf("the key id: %v", err)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != cosignatureType {
		return nil, errors.New("not an Ed25519 cosignature/v1 key (type 0x04)")
	}
	w := &witness{name: parts[0], keyID: uint32(id), key: ed25519.PublicKey(raw[1:])}
	if keyIDOf(w.name, raw) != w.keyID {
		return nil, errors.New("the key id is not SHA-256(name || \\n || 0x04 || key)[:4]")
	}
	return w, nil
}

func keyIDOf(name string, typedKey []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write(typedKey)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func checkWitness(vkey string, checkpoints []*checkpoint, r *report) {
	w, err := parseWitnessKey(vkey)
	r.check(fmt.Sprintf("the witness key %s parses", vkey), err)
	if err != nil {
		return
	}
	for _, cp := range checkpoints {
		r.check(fmt.Sprintf("%s cosigned the checkpoint of size %d", w.name, cp.size), w.cosigned(cp.note))
	}
}

// cosigned requires at least one cosignature by the witness among the signatures note.Open could not check, and
// every one of them to verify: tlog-cosignature says a bad signature by a known key rejects the note.
func (w *witness) cosigned(n *note.Note) error {
	found := 0
	for _, sig := range n.UnverifiedSigs {
		if sig.Name != w.name || sig.Hash != w.keyID {
			continue
		}
		found++
		raw, err := base64.StdEncoding.Strict().DecodeString(sig.Base64)
		if err != nil || len(raw) != 4+8+ed25519.SignatureSize {
			return errors.New("a cosignature is key id, timestamp and Ed25519 signature: 4 + 8 + 64 bytes")
		}
		timestamp := binary.BigEndian.Uint64(raw[4:12])
		message := fmt.Sprintf("cosignature/v1\ntime %d\n%s", timestamp, n.Text)
		if !ed25519.Verify(w.key, []byte(message), raw[12:]) {
			return fmt.Errorf("the cosignature of time %d does not verify", timestamp)
		}
	}
	if found == 0 {
		return errors.New("the note carries no cosignature by this key")
	}
	return nil
}

func parseHashes(texts []string) ([]tlog.Hash, error) {
	hashes := make([]tlog.Hash, len(texts))
	for i, text := range texts {
		h, err := tlog.ParseHash(text)
		if err != nil {
			return nil, fmt.Errorf("proof hash %d: %v", i, err)
		}
		hashes[i] = h
	}
	return hashes, nil
}

// rootOf finds the signed checkpoint of a size: a proof is checked against the signed root, and a root the proof
// itself names only has to agree with it.
func rootOf(bySize map[int64]*checkpoint, size int64, claimed string) (tlog.Hash, error) {
	cp := bySize[size]
	if cp == nil {
		return tlog.Hash{}, fmt.Errorf("no signed checkpoint of size %d was given", size)
	}
	if claimed != "" && claimed != cp.root.String() {
		return tlog.Hash{}, fmt.Errorf("the proof names root %s, the checkpoint of size %d has %s", claimed, size, cp.root)
	}
	return cp.root, nil
}

func checkInclusion(p inclusion, bySize map[int64]*checkpoint) error {
	root, err := rootOf(bySize, p.TreeSize, p.RootHash)
	if err != nil {
		return err
	}
	leaf, err := tlog.ParseHash(p.LeafHash)
	if err != nil {
		return fmt.Errorf("the leaf hash: %v", err)
	}
	if p.Entry != nil && leaf != tlog.RecordHash([]byte(*p.Entry)) {
		return errors.New("the leaf hash is not SHA-256(0x00 || entry)")
	}
	proof, err := parseHashes(p.Proof)
	if err != nil {
		return err
	}
	return tlog.CheckRecord(proof, p.TreeSize, root, p.Seq, leaf)
}

func checkConsistency(p consistency, bySize map[int64]*checkpoint) error {
	older, err := rootOf(bySize, p.From, p.FromRoot)
	if err != nil {
		return err
	}
	newer, err := rootOf(bySize, p.To, p.ToRoot)
	if err != nil {
		return err
	}
	proof, err := parseHashes(p.Proof)
	if err != nil {
		return err
	}
	return tlog.CheckTree(proof, p.To, newer, p.From, older)
}
