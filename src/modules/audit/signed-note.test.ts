import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CorpusEntry, hasBytes, noteBytes, readCorpus } from '../../../test/signed-notes/corpus.ts';
import { buildCorpus } from '../../../test/signed-notes/generate.ts';
import { CheckpointError, CheckpointVerifier, parseNote } from './signed-checkpoint.ts';
import {
  maxNoteSignatures,
  NoteFormatError,
  noteText,
  parseCheckpointText,
  parseSignatureLines,
  strictBase64,
} from './signed-note.ts';
import { CosignatureVerifier } from './witness-cosignature.ts';

// LEDS's parsers against the corpus of test/signed-notes (README.md there says where each rule comes from): every
// valid note opens with each of its keys, and every invalid one is refused for the rule it breaks, with a message
// that names it. An earlier parser took junk in base64, base64url, a missing final newline, a stray line among the
// signatures and control characters; the corpus holds each of those, signed so that only the rule refuses them.

const corpus = readCorpus();

function verifierKey(id: string): string {
  const key = corpus.keys[id];
  assert.ok(key, `corpus.json has no key \`${id}\``);
  return key.verifierKey;
}

/**
 * The note as LEDS receives it: its bytes read as UTF-8 (refused when they are not), or the string itself when no
 * bytes can carry it (a lone surrogate, which only a string from JSON or the like can hold).
 */
function receive(entry: CorpusEntry): string {
  if (entry.noteBase64 !== undefined) return noteText(noteBytes(entry));
  const note = entry.note ?? '';
  // Decoding the note's UTF-8 loses nothing, not even a byte-order mark at the start.
  if (hasBytes(entry)) assert.equal(noteText(noteBytes(entry)), note);
  return note;
}

interface Opened {
  texts: string[];
  checkpoint?: ReturnType<typeof parseCheckpointText>;
  cosignatures: { key: string; timestamp: number }[];
}

/** Everything LEDS checks of a note of this kind; throws when it refuses the note. */
function open(entry: CorpusEntry, note: string): Opened {
  const texts = entry.keys.map((id) => new CheckpointVerifier(verifierKey(id)).openNote(note));
  const [text] = texts;
  assert.ok(text !== undefined, `${entry.name} names no key to open it with`);
  const checkpoint = entry.kind === 'checkpoint' ? parseCheckpointText(text) : undefined;
  const { signatures } = parseNote(note);
  const cosignatures = (entry.cosignatures ?? []).map(({ key }) => {
    const timestamp = new CosignatureVerifier(verifierKey(key)).timestampOf(text, signatures);
    // timestampOf leaves it to its caller what a missing cosignature means; here it means the note is refused.
    if (timestamp === undefined) throw new CheckpointError(`the note carries no cosignature by \`${key}\``);
    return { key, timestamp };
  });
  return { texts, cosignatures, ...(checkpoint ? { checkpoint } : {}) };
}

function checkValid(entry: CorpusEntry): void {
  const note = receive(entry);
  const { texts, checkpoint, cosignatures } = open(entry, note);
  // The text is everything up to the last blank line, whichever key opened it.
  for (const text of texts) assert.equal(text, note.slice(0, note.lastIndexOf('\n\n') + 1));
  assert.deepEqual(cosignatures, entry.cosignatures ?? []);
  if (entry.kind !== 'checkpoint') return;
  assert.ok(checkpoint && entry.checkpoint, `${entry.name} is a checkpoint with its expected values`);
  const { origin, size, rootHash, extensions } = checkpoint;
  assert.deepEqual({ origin, size, root: rootHash.toString('base64'), extensions }, entry.checkpoint);
  const log = new CheckpointVerifier(verifierKey(entry.keys[0] as string));
  if (extensions.length === 0) assert.deepEqual(log.open(note, origin), { origin, size, rootHash });
  // A valid checkpoint, but not one of LEDS's log, which writes no extension lines: open() says so.
  else assert.throws(() => log.open(note, origin), /a checkpoint of this log has no extension lines/);
}

function checkInvalid(entry: CorpusEntry): void {
  const says = entry.ledsSays;
  assert.ok(says, `${entry.name} says which words LEDS's refusal holds`);
  assert.throws(
    () => open(entry, receive(entry)),
    (error: Error) => {
      // A rule broken is a NoteFormatError or a CheckpointError; a TypeError would be a refusal by accident.
      assert.ok(error instanceof NoteFormatError || error instanceof CheckpointError, `refused by accident: ${error}`);
      assert.ok(error.message.includes(says), `refused with "${error.message}", which does not say "${says}"`);
      return true;
    },
  );
}

describe('the signed-note corpus (test/signed-notes)', () => {
  test('corpus.json is what generate.ts writes: node --import tsx test/signed-notes/generate.ts', () => {
    assert.deepEqual(buildCorpus(), corpus);
  });

  test('it holds the cases it promises: valid, invalid, checkpoints, cosignatures, 16 signatures', () => {
    const names = corpus.notes.map((n) => n.name);
    assert.equal(new Set(names).size, names.length);
    for (const entry of corpus.notes) {
      assert.match(entry.name, entry.valid ? /^valid\// : /^invalid\//);
      assert.match(entry.rule, /^(signed-note|tlog-checkpoint|tlog-cosignature): /);
      assert.equal(entry.ledsSays === undefined, entry.valid, `${entry.name}: only a refusal says something`);
    }
    assert.ok(corpus.notes.some((n) => n.valid && n.keys.length === 16));
    assert.ok(corpus.notes.some((n) => n.valid && (n.cosignatures ?? []).length > 0));
    assert.ok(corpus.notes.some((n) => !n.valid && n.noteBase64 !== undefined));
  });

  describe('every valid note opens with each of its keys, and its checkpoint and cosignatures read right', () => {
    for (const entry of corpus.notes.filter((n) => n.valid)) test(entry.name, () => checkValid(entry));
  });

  describe('every invalid note is refused, for the rule it breaks', () => {
    for (const entry of corpus.notes.filter((n) => !n.valid))
      test(`${entry.name} (${entry.ledsSays})`, () => checkInvalid(entry));
  });
});

describe('strictBase64', () => {
  test('decodes standard base64 with its padding, of every length', () => {
    assert.deepEqual(strictBase64('AAAA', 'x'), Buffer.from([0, 0, 0]));
    assert.deepEqual(strictBase64('AA==', 'x'), Buffer.from([0]));
    assert.deepEqual(strictBase64('AAA=', 'x'), Buffer.from([0, 0]));
    assert.deepEqual(strictBase64('+/+/', 'x'), Buffer.from([0xfb, 0xff, 0xbf]));
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37 + 11) % 256));
    for (let length = 1; length <= bytes.length; length++) {
      const some = bytes.subarray(0, length);
      assert.deepEqual(strictBase64(some.toString('base64'), 'x'), some);
    }
  });

  test('refuses what is not standard base64, naming what it was reading', () => {
    const refused = ['', 'A', 'AA', 'AAA', 'AA=', 'A===', '====', 'AAAA=', 'AA==AA==', '=AAA'];
    const junk = [
      ' AAAA',
      'AAAA ',
      'AA AA',
      'AA\nAA',
      'AA\tAA',
      'AA!A',
      'AA.A',
      'AA\u00e9A',
      '\uff21\uff21\uff21\uff21',
    ];
    const url = ['-_-_', 'AA-A', 'AA_A', 'AA-='];
    for (const value of [...refused, ...junk, ...url])
      assert.throws(
        () => strictBase64(value, 'the thing'),
        (error) => error instanceof NoteFormatError && error.message === 'the thing is not standard base64',
        JSON.stringify(value),
      );
  });

  test('refuses base64 whose unused bits are not zero: it is no canonical encoding of any bytes', () => {
    // Node decodes each of these to the bytes of AA==, AA==, AAA=, AAA= and /w==, ignoring the bits that are set.
    for (const value of ['AB==', 'AP==', 'AAB=', 'AAD=', '/x=='])
      assert.throws(
        () => strictBase64(value, 'the thing'),
        (error) => error instanceof NoteFormatError && error.message === 'the thing is not canonical base64',
        value,
      );
  });
});

/** The signature lines of a corpus note, each with its newline: what a witness sends back. */
function signatureBlock(name: string): string {
  const entry = corpus.notes.find((n) => n.name === name);
  assert.ok(entry?.note, `the corpus has ${name}`);
  return entry.note.slice(entry.note.lastIndexOf('\n\n') + 2);
}

describe('parseSignatureLines', () => {
  const block = signatureBlock('valid/checkpoint-cosigned-by-two-witnesses');
  const [logLine = '', witnessLine = ''] = block.split('\n');
  const manyLines = (count: number) => `${witnessLine}\n`.repeat(count);

  test('reads one line and several, each with its name, key ID and signature', () => {
    const [one] = parseSignatureLines(`${witnessLine}\n`);
    assert.equal(one?.name, 'witness-a.notes.test');
    assert.equal(one?.keyId.toString('hex'), verifierKey('witness-a').split('+')[1]);
    assert.equal(one?.signature.length, 8 + 64);
    assert.equal(one?.line, witnessLine);
    const all = parseSignatureLines(block);
    assert.deepEqual(
      all.map((s) => s.name),
      ['notes.test/log', 'witness-a.notes.test', 'unknown.notes.test/witness', 'witness-b.notes.test'],
    );
    assert.equal(all[0]?.line, logLine);
    assert.equal(parseSignatureLines(manyLines(maxNoteSignatures)).length, maxNoteSignatures);
  });

  test('refuses a body that is not signature lines, each ending in a newline', () => {
    const notLines = ['', '\n', witnessLine, `${witnessLine}\r\n`, `${witnessLine}\n\t`, `\ud800${witnessLine}\n`];
    for (const body of notLines)
      assert.throws(() => parseSignatureLines(body), /signature lines are UTF-8 lines, each ending in a newline/);
    const notSignatures = [`${witnessLine}\n\n${logLine}\n`, `${witnessLine}\nnot a signature\n`, '\n\n'];
    for (const body of notSignatures)
      assert.throws(() => parseSignatureLines(body), /every line after the blank line is a signature/);
    const [dash, name, encoded = ''] = witnessLine.split(' ');
    assert.throws(() => parseSignatureLines(`${dash} ${name} -${encoded.slice(1)}\n`), /not standard base64/);
    assert.throws(() => parseSignatureLines(`${witnessLine.slice(0, -2)}\n`), /not standard base64/);
    assert.throws(() => parseSignatureLines(`${dash} witness+a ${encoded}\n`), /key name/);
    assert.throws(
      () => parseSignatureLines(manyLines(maxNoteSignatures + 1)),
      new RegExp(`at most ${maxNoteSignatures} signatures`),
    );
  });
});
