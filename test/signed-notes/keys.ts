// The corpus's test keys and the signing it needs. Signatures are made here from the specifications, not with LEDS's
// signers, so a corpus note is not LEDS agreeing with itself; generate.ts checks that LEDS's signers, given the same
// seeds, write the very same lines. Ed25519 is deterministic, so the corpus comes out byte for byte the same.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { CorpusKey } from './corpus.ts';

// An Ed25519 private key in PKCS#8 is this fixed DER prefix and the 32-byte seed (RFC 8410), as in fromSeed.
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

export const emDash = '\u2014';

export class TestKey {
  readonly seed: Buffer;
  readonly privateKey: KeyObject;
  readonly publicKeyRaw: Buffer;
  readonly keyId: Buffer;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly type: 1 | 4 = 1,
  ) {
    // A fixed seed that says what it is: nobody can mistake it for a key that guards anything.
    this.seed = createHash('sha256').update(`LEDS signed-note corpus test key: ${id}`).digest();
    this.privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, this.seed]), format: 'der', type: 'pkcs8' });
    this.publicKeyRaw = Buffer.from(
      createPublicKey(this.privateKey).export({ format: 'jwk' }).x as string,
      'base64url',
    );
    // signed-note: key ID = SHA-256(key name || 0x0A || signature type || public key)[:4]
    this.keyId = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([type]), this.publicKeyRaw]))
      .digest()
      .subarray(0, 4);
  }

  get verifierKey(): string {
    const key = Buffer.concat([Buffer.from([this.type]), this.publicKeyRaw]).toString('base64');
    return `${this.name}+${this.keyId.toString('hex')}+${key}`;
  }

  get corpusKey(): CorpusKey {
    return { name: this.name, type: this.type, seed: this.seed.toString('hex'), verifierKey: this.verifierKey };
  }

  /** Key ID || Ed25519 signature of the note text (its UTF-8 bytes, or the bytes given). */
  signature(text: string | Buffer): Buffer {
    return Buffer.concat([
      this.keyId,
      sign(null, typeof text === 'string' ? Buffer.from(text, 'utf8') : text, this.privateKey),
    ]);
  }

  /** The signature line, without its newline. */
  line(text: string | Buffer): string {
    return signatureLine(this.name, this.signature(text));
  }

  /** tlog-cosignature v1: key ID || u64 timestamp || Ed25519 over `cosignature/v1\ntime <t>\n` and the text. */
  cosignature(text: string, timestamp: bigint, header = `cosignature/v1\ntime ${timestamp}\n`): Buffer {
    const time = Buffer.alloc(8);
    time.writeBigUInt64BE(timestamp);
    const signed = sign(null, Buffer.from(header + text, 'utf8'), this.privateKey);
    return Buffer.concat([this.keyId, time, signed]);
  }

  cosignatureLine(text: string, timestamp: number): string {
    return signatureLine(this.name, this.cosignature(text, BigInt(timestamp)));
  }
}

export function signatureLine(name: string, bytes: Buffer): string {
  return `${emDash} ${name} ${bytes.toString('base64')}`;
}

/** A signed note: the text (ending in a newline), the blank line, the signature lines, each ending in a newline. */
export function signedNote(text: string, lines: readonly string[]): string {
  return `${text}\n${lines.map((line) => `${line}\n`).join('')}`;
}

/** Deterministic bytes that stand for a signature by a key no verifier in the corpus knows. */
export function unknownSignature(label: string, length = 64): Buffer {
  const bytes = Buffer.alloc(length);
  for (let at = 0; at < length; at += 32)
    createHash('sha256')
      .update(`${label} ${at}`)
      .digest()
      .copy(bytes, at, 0, Math.min(32, length - at));
  return bytes;
}

/** A line by a key the corpus gives no verifier for, with a key ID and a signature of `length` bytes. */
export function unknownLine(label: string, length = 64): string {
  return signatureLine(
    `unknown.notes.test/${label}`,
    Buffer.concat([unknownSignature(`id ${label}`, 4), unknownSignature(label, length)]),
  );
}

/** The bytes with one bit changed at `at`: by default in the signature proper, past the 4-byte key ID. */
export function flipped(bytes: Buffer, at = 10): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The same bytes, but with a pad bit set: the last character before a single `=` carries two bits that encode
 * nothing and must be zero (RFC 4648 section 3.5). A decoder that ignores them reads the very same bytes.
 */
export function nonCanonical(encoded: string): string {
  if (!/[^=]=$/.test(encoded)) throw new Error('this needs base64 that ends in one `=`');
  return `${encoded.slice(0, -2)}${alphabet[alphabet.indexOf(encoded.at(-2) as string) ^ 1]}=`;
}
