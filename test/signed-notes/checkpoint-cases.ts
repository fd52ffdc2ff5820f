// The tlog-checkpoint and tlog-cosignature cases: signed notes that are good notes, whose text must also be a
// checkpoint, and whose witness lines must be cosignatures. Every one is signed by the log, so what is wrong lies
// in the checkpoint or the cosignature alone.
import { createHash } from 'node:crypto';
import type { CorpusEntry } from './corpus.ts';
import { invalid, log, valid, witnessA, witnessB } from './entries.ts';
import { flipped, nonCanonical, signatureLine, signedNote, TestKey, unknownLine } from './keys.ts';

const origin = log.name;
const root = createHash('sha256').update('notes.test corpus: a root hash').digest();
const rootBase64 = root.toString('base64');
const lines = (...all: (string | number)[]) => all.map((line) => `${line}\n`).join('');
const signed = (body: string, ...more: string[]) => signedNote(body, [log.line(body), ...more]);
const asCheckpoint = { kind: 'checkpoint' as const };
/** When the witnesses cosigned: 2023-11-14T22:13:20Z. */
const timestamp = 1_700_000_000;

export function validCheckpoints(): CorpusEntry[] {
  const rule = 'tlog-checkpoint: the origin, the tree size in decimal, the base64 root hash, each on its own line';
  const empty = createHash('sha256').digest();
  const point = (name: string, why: string, size: number, rootHash: Buffer, extensions: string[] = [], at = origin) =>
    valid(name, why, signed(lines(at, size, rootHash.toString('base64'), ...extensions)), {
      ...asCheckpoint,
      checkpoint: { origin: at, size, root: rootHash.toString('base64'), extensions },
    });
  return [
    point('checkpoint', rule, 20852163, root),
    point('checkpoint-of-the-empty-tree', 'tlog-checkpoint: the tree size is 0 when the tree is empty', 0, empty),
    point(
      'checkpoint-with-extension-lines',
      'tlog-checkpoint: any following lines are extension lines, opaque and OPTIONAL',
      42,
      root,
      ['extension one', 'extension: two'],
    ),
    point(
      'checkpoint-origin-with-spaces-and-a-plus',
      'tlog-checkpoint: the origin SHOULD be a schema-less URL; clients MUST NOT assume that it is',
      42,
      root,
      [],
      'notes.test/log with spaces+plus',
    ),
    point(
      'checkpoint-size-largest-safe-integer',
      'tlog-checkpoint: the ASCII decimal number of leaves; 2^53 - 1 is the largest LEDS counts',
      Number.MAX_SAFE_INTEGER,
      root,
    ),
    ...cosigned(),
  ];
}

function cosigned(): CorpusEntry[] {
  const body = lines(origin, 20852163, rootBase64);
  const withExtensions = lines(origin, 20852163, rootBase64, 'an extension line');
  const both = [
    { key: 'witness-a', timestamp },
    { key: 'witness-b', timestamp: timestamp + 7 },
  ];
  return [
    valid(
      'cosigned-checkpoint',
      'tlog-cosignature: a cosignature is a note signature applied to a checkpoint; the log ignores it as an unknown key',
      signed(body, witnessA.cosignatureLine(body, timestamp)),
      { ...asCheckpoint, checkpoint: expected(), cosignatures: [{ key: 'witness-a', timestamp }] },
    ),
    valid(
      'checkpoint-cosigned-by-two-witnesses',
      'tlog-cosignature: two witnesses cosign, a third the verifier does not know is ignored',
      signed(
        body,
        witnessA.cosignatureLine(body, timestamp),
        unknownLine('witness'),
        witnessB.cosignatureLine(body, timestamp + 7),
      ),
      { ...asCheckpoint, checkpoint: expected(), cosignatures: both },
    ),
    valid(
      'cosigned-checkpoint-with-extension-lines',
      'tlog-cosignature: extension lines, if present, MUST be included in the cosigned message',
      signed(withExtensions, witnessA.cosignatureLine(withExtensions, timestamp)),
      {
        ...asCheckpoint,
        checkpoint: { ...expected(), extensions: ['an extension line'] },
        cosignatures: [{ key: 'witness-a', timestamp }],
      },
    ),
  ];
}

const expected = () => ({ origin, size: 20852163, root: rootBase64, extensions: [] as string[] });

const point = (name: string, rule: string, note: string, says: string) => invalid(name, rule, note, says, asCheckpoint);

function invalidSizes(): CorpusEntry[] {
  const sizeRule =
    'tlog-checkpoint: the tree size, the ASCII decimal representation of the number of leaves, with no leading zeroes';
  const withSize = (size: string) => signed(lines(origin, size, rootBase64));
  return [
    point('checkpoint-size-leading-zero', sizeRule, withSize('042'), 'no leading zero'),
    point('checkpoint-size-zero-with-a-leading-zero', sizeRule, withSize('00'), 'no leading zero'),
    point('checkpoint-size-negative', sizeRule, withSize('-1'), 'decimal number'),
    point('checkpoint-size-not-a-number', sizeRule, withSize('forty-two'), 'decimal number'),
    point('checkpoint-size-with-a-plus-sign', sizeRule, withSize('+42'), 'decimal number'),
    point(
      'checkpoint-size-in-arabic-indic-digits',
      `${sizeRule} (ASCII digits only)`,
      withSize('\u0664\u0662'),
      'decimal number',
    ),
    point(
      'checkpoint-size-empty',
      `${sizeRule}; tlog-checkpoint: at least three non-empty lines`,
      withSize(''),
      'decimal number',
    ),
    point(
      'checkpoint-size-beyond-uint64',
      `${sizeRule}: 2^64 leaves, more than any implementation counts (LEDS to 2^53 - 1, Go's int64 to 2^63 - 1)`,
      withSize('18446744073709551616'),
      'larger than LEDS handles',
    ),
  ];
}

export function invalidCheckpoints(): CorpusEntry[] {
  const rootRule = 'tlog-checkpoint: the root hash, the base64 encoding of the root of the RFC 6962 Merkle hash tree';
  const base64Rule = `${rootRule}, in the standard Base 64 encoding of RFC 4648, Section 4`;
  const withRoot = (encoded: string) => signed(lines(origin, 42, encoded));
  const urlRoot = Buffer.alloc(32, 0xfb).toString('base64');
  return [
    ...invalidSizes(),
    point(
      'checkpoint-root-of-31-bytes',
      `${rootRule}: a SHA-256 hash, 32 bytes`,
      withRoot(root.subarray(1).toString('base64')),
      'SHA-256',
    ),
    point(
      'checkpoint-root-of-33-bytes',
      `${rootRule}: a SHA-256 hash, 32 bytes`,
      withRoot(Buffer.concat([root, root.subarray(0, 1)]).toString('base64')),
      'SHA-256',
    ),
    point(
      'checkpoint-root-base64url',
      base64Rule,
      withRoot(urlRoot.replaceAll('+', '-').replaceAll('/', '_')),
      'not standard base64',
    ),
    point(
      'checkpoint-root-missing-padding',
      base64Rule,
      withRoot(rootBase64.replace(/=+$/, '')),
      'not standard base64',
    ),
    point(
      'checkpoint-root-non-canonical',
      `${base64Rule}; RFC 4648 section 3.5 lets decoders reject non-zero pad bits`,
      withRoot(nonCanonical(rootBase64)),
      'not canonical base64',
    ),
    point(
      'checkpoint-without-root',
      'tlog-checkpoint: the note text is a sequence of at least three non-empty lines',
      signed(lines(origin, 42)),
      'checkpoint root',
    ),
    point(
      'checkpoint-empty-origin',
      'tlog-checkpoint: the origin MUST be non-empty',
      signed(lines('', 42, rootBase64)),
      'origin',
    ),
    point(
      'checkpoint-empty-extension-line',
      'tlog-checkpoint: extension lines, if any, MUST be non-empty (an empty line in the text is no blank line of the note: the last one is)',
      signed(lines(origin, 42, rootBase64, '', 'extension')),
      'no empty line',
    ),
    point(
      'checkpoint-ending-in-an-empty-line',
      'tlog-checkpoint: extension lines, if any, MUST be non-empty',
      signed(lines(origin, 42, rootBase64, '')),
      'no empty line',
    ),
    ...invalidCosignatures(),
  ];
}

function invalidCosignatures(): CorpusEntry[] {
  const body = lines(origin, 20852163, rootBase64);
  const good = witnessA.cosignature(body, BigInt(timestamp));
  const retimed = Buffer.from(good);
  retimed.writeBigUInt64BE(BigInt(timestamp + 1), 4);
  const message =
    'tlog-cosignature: the signed message is "cosignature/v1", "time <timestamp>" and the whole note body';
  const typeOne = new TestKey('witness-a', witnessA.name, 1);
  const cosignedWith = (bytes: Buffer, name = witnessA.name) => signed(body, signatureLine(name, bytes));
  const point = (name: string, rule: string, note: string, says: string) =>
    invalid(name, rule, note, says, { ...asCheckpoint, cosignatures: [{ key: 'witness-a' }] });
  return [
    point('cosignature-one-bit-changed', message, cosignedWith(flipped(good, 20)), 'cosignature does not verify'),
    point(
      'cosignature-timestamp-changed',
      `${message}: the timestamp is signed`,
      cosignedWith(retimed),
      'cosignature does not verify',
    ),
    point(
      'cosignature-without-its-header',
      `${message}: without "cosignature/v1" it is a signature of the text, as a note signature would be`,
      cosignedWith(witnessA.cosignature(body, BigInt(timestamp), '')),
      'cosignature does not verify',
    ),
    point(
      'cosignature-of-another-checkpoint',
      `${message}: here of a checkpoint of another size`,
      cosignedWith(witnessA.cosignature(lines(origin, 20852164, rootBase64), BigInt(timestamp))),
      'cosignature does not verify',
    ),
    point(
      'cosignature-without-timestamp',
      'tlog-cosignature: the signature MUST be a timestamped_signature: u64 timestamp, then the 64-byte Ed25519 signature',
      cosignedWith(Buffer.concat([witnessA.keyId, good.subarray(12)])),
      '8 + 64 bytes',
    ),
    point(
      'cosignature-timestamp-beyond-2^63-1',
      'tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1',
      cosignedWith(witnessA.cosignature(body, 2n ** 63n)),
      'timestamp too large',
    ),
    point(
      'cosignature-with-a-type-0x01-key-id',
      'tlog-cosignature: the key ID for Ed25519 cosignatures MUST be SHA-256(<name> || "\\n" || 0x04 || key)[:4]; with 0x01 it is an unknown key, ignored',
      cosignedWith(Buffer.concat([typeOne.keyId, good.subarray(4)])),
      'no cosignature by',
    ),
  ];
}
