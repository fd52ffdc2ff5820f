import { type KeyObject, sign, verify } from 'node:crypto';
import { CheckpointError, namedKey, parseVerifierKey } from './signed-checkpoint.ts';
import type { NoteSignature } from './signed-note.ts';

/**
 * Witness cosignatures, c2sp.org/tlog-cosignature (the Ed25519 `cosignature/v1` type): a note signature whose key
 * id is SHA-256(name || newline || 0x04 || public key)[:4] and whose bytes are an 8-byte big-endian POSIX
 * timestamp and an Ed25519 signature over `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint's text.
 * A cosignature says: as of that time, this is the largest tree the witness has seen of the log, consistent with
 * every earlier one it saw.
 */

export const cosignatureAlgorithm = 0x04;

const signedMessage = (checkpointText: string, timestamp: number) =>
  Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');

/** A witness's own key. */
export class Cosigner {
  readonly keyId: Buffer;
  private readonly publicKeyRaw: Buffer;

  constructor(
    readonly name: string,
    private readonly privateKey: KeyObject,
  ) {
    ({ publicKeyRaw: this.publicKeyRaw, keyId: this.keyId } = namedKey(name, privateKey, cosignatureAlgorithm));
  }

  /** `<name>+<hex key id>+<base64(0x04 || public key)>`, the vkey form the spec allows. */
  get verifierKey(): string {
    const key = Buffer.concat([Buffer.from([cosignatureAlgorithm]), this.publicKeyRaw]).toString('base64');
    return `${this.name}+${this.keyId.toString('hex')}+${key}`;
  }

  /** The signature line, with its newline, cosigning a checkpoint's text at `timestamp` (POSIX seconds). */
  cosign(checkpointText: string, timestamp: number): string {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new CheckpointError('a timestamp is whole seconds');
    const time = Buffer.alloc(8);
    time.writeBigUInt64BE(BigInt(timestamp));
    const signature = sign(null, signedMessage(checkpointText, timestamp), this.privateKey);
    return `\u2014 ${this.name} ${Buffer.concat([this.keyId, time, signature]).toString('base64')}\n`;
  }
}

/** Checks one witness's cosignatures, from its published key. */
export class CosignatureVerifier {
  readonly name: string;
  readonly keyId: Buffer;
  private readonly publicKey: KeyObject;

  constructor(readonly verifierKey: string) {
    const parsed = parseVerifierKey(verifierKey, cosignatureAlgorithm);
    this.name = parsed.name;
    this.keyId = parsed.keyId;
    this.publicKey = parsed.publicKey;
  }

  /**
   * The timestamp of this witness's cosignature among the signatures, undefined when it has none. A signature with
   * its name and key id that does not verify is an error: the spec says to reject the note, not to skip it.
   */
  timestampOf(checkpointText: string, signatures: readonly NoteSignature[]): number | undefined {
    const ours = signatures.filter((s) => s.name === this.name && s.keyId.equals(this.keyId));
    if (ours.length === 0) return undefined;
    let latest: number | undefined;
    for (const s of ours) {
      if (s.signature.length !== 72) throw new CheckpointError(`${this.name}: a cosignature is 8 + 64 bytes`);
      const timestamp = s.signature.readBigUInt64BE(0);
      if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError(`${this.name}: timestamp too large`);
      const seconds = Number(timestamp);
      if (!verify(null, signedMessage(checkpointText, seconds), this.publicKey, s.signature.subarray(8)))
        throw new CheckpointError(`${this.name}: the cosignature does not verify`);
      latest = Math.max(latest ?? 0, seconds);
    }
    return latest;
  }
}
