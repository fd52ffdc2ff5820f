// The shape of test/signed-notes/corpus.json, and how a note is read out of it, shared by the generator, LEDS's
// corpus test and the Go agreement test so that the three read one note the same way.
import { readFileSync } from 'node:fs';

/** A test key: anyone can make it again from its seed, so nothing it signs means anything outside these tests. */
export interface CorpusKey {
  name: string;
  /** 0x01: a signed-note Ed25519 key; 0x04: a tlog-cosignature Ed25519 cosigner key. */
  type: 1 | 4;
  /** The 32-byte Ed25519 seed, in hex. */
  seed: string;
  /** `<name>+<hex key id>+<base64(type || public key)>`. */
  verifierKey: string;
}

export interface CorpusEntry {
  /** `valid/…` or `invalid/…`, unique. */
  name: string;
  valid: boolean;
  /** For an invalid note the rule it breaks; for a valid one what it shows. Both start with the specification. */
  rule: string;
  /** The note as text; absent when it is not UTF-8, and `noteBase64` holds its bytes. */
  note?: string;
  noteBase64?: string;
  /** `note`: a signed note; `checkpoint`: a signed note whose text is a tlog-checkpoint. */
  kind: 'note' | 'checkpoint';
  /** Ids (in `keys`) of the signed-note keys a valid note opens with, each on its own; an invalid one with none. */
  keys: string[];
  /** What a valid checkpoint's text holds. */
  checkpoint?: { origin: string; size: number; root: string; extensions: string[] };
  /** Witnesses whose cosignatures a valid note carries, with the time each cosigned. */
  cosignatures?: { key: string; timestamp?: number }[];
  /** A few words LEDS's refusal says: the rule, named. */
  ledsSays?: string;
}

export interface Corpus {
  about: string;
  keys: Record<string, CorpusKey>;
  notes: CorpusEntry[];
}

export const corpusFile = new URL('./corpus.json', import.meta.url);

export function readCorpus(): Corpus {
  return JSON.parse(readFileSync(corpusFile, 'utf8')) as Corpus;
}

/** The note's bytes, exactly as a client would receive them. */
export function noteBytes(entry: CorpusEntry): Buffer {
  if (entry.noteBase64 !== undefined) return Buffer.from(entry.noteBase64, 'base64');
  return Buffer.from(entry.note ?? '', 'utf8');
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether the text form of the note can be carried as UTF-8 bytes at all: a lone surrogate cannot (encoding it
 * makes U+FFFD of it), so such a note reaches a reader only as a string, from JSON for example.
 */
export function hasBytes(entry: CorpusEntry): boolean {
  return entry.noteBase64 !== undefined || !loneSurrogate.test(entry.note ?? '');
}
