// Command note-corpus opens every note of LEDS's signed-note corpus (test/signed-notes/corpus.json) with
// golang.org/x/mod/sumdb/note, the Go checksum database's own signed-note package, and prints its verdict on each
// as JSON. test/signed-notes-go.test.ts holds LEDS's parser to these verdicts: two implementations that read the
// specification apart are a bug in one of them, or a difference to be named.
//
// Usage: note-corpus <corpus.json>. It exits 0 when it could read the corpus, whatever the verdicts, and 2 when not.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
)

type corpusKey struct {
	VerifierKey string `json:"verifierKey"`
}

type entry struct {
	Name string `json:"name"`
	// The note as text; when it is not UTF-8, NoteBase64 holds its bytes instead.
	Note       *string `json:"note"`
	NoteBase64 *string `json:"noteBase64"`
	// The signed-note keys (type 0x01) the note is opened with, each on its own.
	Keys []string `json:"keys"`
	// The witnesses (type 0x04) whose cosignatures the note carries.
	Cosignatures []struct {
		Key string `json:"key"`
	} `json:"cosignatures"`
}

type corpus struct {
	Keys  map[string]corpusKey `json:"keys"`
	Notes []entry              `json:"notes"`
}

// verdict is what note.Open made of one note with one key: it opened, or the error it gave.
type verdict struct {
	Key   string `json:"key"`
	Opens bool   `json:"opens"`
	Error string `json:"error,omitempty"`
}

type result struct {
	Name     string    `json:"name"`
	Verdicts []verdict `json:"verdicts"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: note-corpus <corpus.json>")
		os.Exit(2)
	}
	results, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "note-corpus: %v\n", err)
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", " ")
	if err := out.Encode(results); err != nil {
		fmt.Fprintf(os.Stderr, "note-corpus: %v\n", err)
		os.Exit(2)
	}
}

func run(file string) ([]result, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var c corpus
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("reading %s: %v", file, err)
	}
	results := make([]result, 0, len(c.Notes))
	for _, e := range c.Notes {
		msg, err := e.bytes()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", e.Name, err)
		}
		r := result{Name: e.Name, Verdicts: []verdict{}}
		ids := append([]string{}, e.Keys...)
		for _, w := range e.Cosignatures {
			ids = append(ids, w.Key)
		}
		for _, id := range ids {
			k, ok := c.Keys[id]
			if !ok {
				return nil, fmt.Errorf("%s: the corpus has no key %q", e.Name, id)
			}
			r.Verdicts = append(r.Verdicts, open(msg, id, k.VerifierKey))
		}
		results = append(results, r)
	}
	return results, nil
}

// bytes is the note exactly as a client would receive it. A JSON string is decoded by encoding/json, which turns
// an escaped lone surrogate into U+FFFD: no UTF-8 can hold a lone surrogate, so Go never sees one.
func (e entry) bytes() ([]byte, error) {
	switch {
	case e.NoteBase64 != nil:
		return base64.StdEncoding.Strict().DecodeString(*e.NoteBase64)
	case e.Note != nil:
		return []byte(*e.Note), nil
	default:
		return nil, fmt.Errorf("neither note nor noteBase64")
	}
}

func open(msg []byte, id, vkey string) verdict {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return verdict{Key: id, Error: "the verifier key: " + err.Error()}
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil {
		return verdict{Key: id, Error: err.Error()}
	}
	return verdict{Key: id, Opens: true}
}
