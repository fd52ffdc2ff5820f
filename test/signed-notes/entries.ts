// The keys every case file signs with, and the two ways a case is written down, so that a case reads as its name,
// its rule and the one thing done to an otherwise good note.
import type { CorpusEntry } from './corpus.ts';
import { TestKey } from './keys.ts';

/** Every key a note in the corpus is signed with, by its id in corpus.json. */
export const keys = new Map<string, TestKey>();

function key(id: string, name: string, type: 1 | 4 = 1): TestKey {
  const made = new TestKey(id, name, type);
  keys.set(id, made);
  return made;
}

/** The log whose notes the corpus opens, and a second known key for notes with several. */
export const log = key('log', 'notes.test/log');
export const other = key('other', 'notes.test/other');
/** Fifteen more, for a note with sixteen signatures by known keys: the least a verifier must accept. */
export const fifteen = Array.from({ length: 15 }, (_, i) => key(`key-${i + 1}`, `notes.test/key-${i + 1}`));
/** Keys a verifier is not given, one of them with the log's very name. */
export const sameName = key('same-name', 'notes.test/log');
export const unicodeName = key('unicode-name', 'notes.test/journal-légal-日志');
// Format characters (Unicode category Cf) that are not Unicode spaces (the White_Space property), so they may be
// in a key name; U+FEFF was never a space, U+180E has not been one since Unicode 6.3.
export const zeroWidthSpace = key('zero-width-space', 'notes.test/zero\u200bwidth');
export const byteOrderMark = key('byte-order-mark', 'notes.test/byte\ufefforder');
export const mongolianVowelSeparator = key('mongolian-vowel-separator', 'notes.test/mongolian\u180eseparator');
/** Witnesses (tlog-cosignature, type 0x04). */
export const witnessA = key('witness-a', 'witness-a.notes.test', 4);
export const witnessB = key('witness-b', 'witness-b.notes.test', 4);

export const text = 'notes.test/log corpus\nAn ordinary text of two lines.\n';

type Extra = Partial<Pick<CorpusEntry, 'kind' | 'keys' | 'checkpoint' | 'cosignatures'>>;

/** The note as corpus.json holds it: as text, or as base64 when it is not UTF-8. */
function noteField(note: string | Buffer): Pick<CorpusEntry, 'note' | 'noteBase64'> {
  return typeof note === 'string' ? { note } : { noteBase64: note.toString('base64') };
}

export function valid(name: string, rule: string, note: string | Buffer, extra: Extra = {}): CorpusEntry {
  return { name: `valid/${name}`, valid: true, rule, ...noteField(note), kind: 'note', keys: ['log'], ...extra };
}

export function invalid(
  name: string,
  rule: string,
  note: string | Buffer,
  ledsSays: string,
  extra: Extra = {},
): CorpusEntry {
  return {
    name: `invalid/${name}`,
    valid: false,
    rule,
    ...noteField(note),
    kind: 'note',
    keys: ['log'],
    ...extra,
    ledsSays,
  };
}
