/**
 * C2SP signed-note and tlog-checkpoint, parsed exactly as the specifications say, so that a note LEDS accepts is one
 * every other implementation accepts too (the Go sumdb/note package among them), and anything else is refused with
 * the rule it breaks. The corpus in test/signed-notes/ holds valid and invalid notes for these parsers.
 *
 * A signed note is a text ending in a newline, a blank line, then one or more lines `— <key name> <base64>`. It is
 * valid UTF-8 with no control character but the newline. Key names are non-empty, with no Unicode space and no `+`.
 * A signature is base64 (RFC 4648 section 4, with its padding) of a 4-byte key id and the signature bytes.
 */

export class NoteFormatError extends Error {}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature bytes after the key id. */
  signature: Buffer;
  /** The whole line without its newline, to copy the signature into another view of the note. */
  line: string;
}

export interface SignedNote {
  /** The signed text, its final newline included. */
  text: string;
  signatures: NoteSignature[];
}

/** At least 16 must be accepted; far more than LEDS's own key and its witnesses. */
export const maxNoteSignatures = 64;
const maxNoteBytes = 1_000_000;

const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is exactly about control characters
const controlCharacter = /[\u0000-\u0009\u000B-\u001F]/;
// Unicode's White_Space property, as Go's unicode.IsSpace: JavaScript's \s also takes U+FEFF, which is not a space.
const unicodeSpace = /\p{White_Space}/u;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A note's bytes as text, refusing what is not UTF-8. */
export function noteText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NoteFormatError('a signed note is valid UTF-8');
  }
}

/** Strict standard base64 with its padding; nothing else decodes (Node's own decoder skips junk silently). */
export function strictBase64(value: string, what: string): Buffer {
  if (value === '' || !base64.test(value)) throw new NoteFormatError(`${what} is not standard base64`);
  const bytes = Buffer.from(value, 'base64');
  // Non-zero bits in the last character's unused part are not the canonical encoding of any bytes.
  if (bytes.toString('base64') !== value) throw new NoteFormatError(`${what} is not canonical base64`);
  return bytes;
}

export function checkKeyName(name: string): void {
  if (name === '' || unicodeSpace.test(name) || name.includes('+'))
    throw new NoteFormatError('a key name is non-empty, with no spaces and no plus signs');
}

/** Splits a signed note into its text and its signature lines; throws NoteFormatError naming the broken rule. */
export function parseSignedNote(note: string): SignedNote {
  if (Buffer.byteLength(note, 'utf8') > maxNoteBytes) throw new NoteFormatError('the note is too long');
  if (lone.test(note)) throw new NoteFormatError('a signed note is valid UTF-8');
  if (controlCharacter.test(note)) throw new NoteFormatError('a signed note holds no control character but newline');
  if (!note.endsWith('\n')) throw new NoteFormatError('a signed note ends with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteFormatError('a signed note has a blank line before its signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > maxNoteSignatures)
    throw new NoteFormatError(`a note carries at most ${maxNoteSignatures} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** One line `— <key name> <base64(key id || signature)>`, without its newline. */
export function parseSignatureLine(line: string): NoteSignature {
  const match = /^\u2014 ([^ ]*) ([^ ]*)$/.exec(line);
  if (!match) throw new NoteFormatError('every line after the blank line is a signature: "— <key name> <base64>"');
  const [, name = '', encoded = ''] = match;
  checkKeyName(name);
  const bytes = strictBase64(encoded, 'a signature');
  if (bytes.length < 5) throw new NoteFormatError('a signature is a 4-byte key id and the signature');
  return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line };
}

/** Response bodies of a witness: signature lines, each ending in a newline, and nothing else. */
export function parseSignatureLines(body: string): NoteSignature[] {
  if (lone.test(body) || controlCharacter.test(body) || !body.endsWith('\n') || body === '\n')
    throw new NoteFormatError('signature lines are UTF-8 lines, each ending in a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length > maxNoteSignatures) throw new NoteFormatError(`at most ${maxNoteSignatures} signatures`);
  return lines.map(parseSignatureLine);
}

export interface CheckpointText {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Lines after the root hash; LEDS writes none but a checkpoint may carry them. */
  extensions: string[];
}

/**
 * A checkpoint's text (c2sp.org/tlog-checkpoint): the origin, the tree size in decimal with no leading zero, the
 * base64 root hash, then any extension lines, none of them empty.
 */
export function parseCheckpointText(text: string): CheckpointText {
  if (!text.endsWith('\n')) throw new NoteFormatError('a checkpoint ends with a newline');
  const [origin = '', size = '', root = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin === '') throw new NoteFormatError('a checkpoint starts with its origin');
  if (!/^(0|[1-9][0-9]*)$/.test(size))
    throw new NoteFormatError('the checkpoint size is a decimal number with no leading zero');
  if (!Number.isSafeInteger(Number(size))) throw new NoteFormatError('the checkpoint size is larger than LEDS handles');
  const rootHash = strictBase64(root, 'the checkpoint root');
  if (rootHash.length !== 32) throw new NoteFormatError('the checkpoint root is a SHA-256 hash');
  if (extensions.some((line) => line === '')) throw new NoteFormatError('a checkpoint has no empty line');
  return { origin, size: Number(size), rootHash, extensions };
}
