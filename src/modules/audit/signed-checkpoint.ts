import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Checkpoints in the C2SP formats: `checkpoint` (origin, size, base64 root, each on its own line) inside a
 * `signed-note` whose signature line is an em dash, the key name, and base64 of key id || Ed25519 signature.
 * Anyone holding the verifier key (published on the transparency page) can check a checkpoint with the Go
 * sumdb/note package or any other signed-note verifier.
 */

const ed25519Algorithm = 0x01;

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export class CheckpointError extends Error {}

/** The log's Ed25519 key, named by the log's origin as the signed-note spec asks. */
export class CheckpointSigner {
  readonly publicKeyRaw: Buffer;
  readonly keyId: Buffer;

  constructor(
    readonly name: string,
    private readonly privateKey: KeyObject,
  ) {
    if (/[\s+]/.test(name) || name === '') throw new CheckpointError('a key name has no spaces or plus signs');
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    this.publicKeyRaw = Buffer.from(jwk.x as string, 'base64url');
    this.keyId = keyIdOf(name, this.publicKeyRaw);
  }

  /** Loads the PEM key file, creating a new key (readable by the owner only) the first time. */
  static fromFile(name: string, file: string): { signer: CheckpointSigner; created: boolean } {
    let created = false;
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
      created = true;
    }
    const key = createPrivateKey(readFileSync(file));
    if (key.asymmetricKeyType !== 'ed25519') throw new CheckpointError(`\`${file}\` does not hold an Ed25519 key`);
    return { signer: new CheckpointSigner(name, key), created };
  }

  /** The verifier key string: `<name>+<hex key id>+<base64(0x01 || public key)>`. */
  get verifierKey(): string {
    return `${this.name}+${this.keyId.toString('hex')}+${Buffer.concat([Buffer.from([ed25519Algorithm]), this.publicKeyRaw]).toString('base64')}`;
  }

  /** A key from its 32-byte Ed25519 seed (the signed-note private key form without its `PRIVATE+KEY+` prefix). */
  static fromSeed(name: string, seed: Buffer): CheckpointSigner {
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    return new CheckpointSigner(name, createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  }

  /** Signs note text, which is one or more lines each ending in a newline. */
  signNote(text: string): string {
    if (!text.endsWith('\n') || text.includes('\n\n'))
      throw new CheckpointError('note text is lines without blank ones');
    const signature = sign(null, Buffer.from(text, 'utf8'), this.privateKey);
    return `${text}\n\u2014 ${this.name} ${Buffer.concat([this.keyId, signature]).toString('base64')}\n`;
  }

  sign(checkpoint: Checkpoint): string {
    return this.signNote(checkpointBody(checkpoint));
  }
}

function keyIdOf(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ed25519Algorithm]), publicKey]))
    .digest()
    .subarray(0, 4);
}

export function checkpointBody({ origin, size, rootHash }: Checkpoint): string {
  return `${origin}\n${size}\n${rootHash.toString('base64')}\n`;
}

/** A verifier made from the published verifier key string. */
export class CheckpointVerifier {
  readonly name: string;
  private readonly keyId: Buffer;
  private readonly publicKey: KeyObject;

  constructor(verifierKey: string) {
    // The base64 key may itself hold plus signs, so only the first two separate fields.
    const [name, hash, ...keyParts] = verifierKey.split('+');
    const key = keyParts.join('+');
    const raw = Buffer.from(key ?? '', 'base64');
    if (!name || !hash || raw.length !== 33 || raw[0] !== ed25519Algorithm)
      throw new CheckpointError('not an Ed25519 verifier key');
    this.name = name;
    const publicKeyRaw = raw.subarray(1);
    this.keyId = keyIdOf(name, publicKeyRaw);
    if (this.keyId.toString('hex') !== hash) throw new CheckpointError('the verifier key hash does not match its key');
    this.publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyRaw.toString('base64url') },
      format: 'jwk',
    });
  }

  /** The text of a signed note; throws CheckpointError unless this key signed it. */
  openNote(note: string): string {
    const split = note.lastIndexOf('\n\n');
    if (split < 0) throw new CheckpointError('a signed note has a blank line before its signatures');
    const body = note.slice(0, split + 1);
    const signatures = note
      .slice(split + 2)
      .split('\n')
      .filter((line) => line !== '');
    const ours = signatures
      .map((line) => /^\u2014 (\S+) (\S+)$/.exec(line))
      .find(
        (match) =>
          match?.[1] === this.name &&
          Buffer.from(match[2] ?? '', 'base64')
            .subarray(0, 4)
            .equals(this.keyId),
      );
    if (!ours) throw new CheckpointError(`the note carries no signature by \`${this.name}\``);
    const signature = Buffer.from(ours[2] as string, 'base64').subarray(4);
    if (!verify(null, Buffer.from(body, 'utf8'), this.publicKey, signature))
      throw new CheckpointError('the signature does not verify');
    return body;
  }

  /** Opens a signed checkpoint; throws CheckpointError unless this key signed it and its text is well formed. */
  open(note: string, origin: string): Checkpoint {
    const body = this.openNote(note);
    const [noteOrigin, size, root] = body.split('\n');
    if (noteOrigin !== origin) throw new CheckpointError(`the checkpoint is for \`${noteOrigin}\`, not \`${origin}\``);
    if (!size || !/^(0|[1-9][0-9]*)$/.test(size)) throw new CheckpointError('the checkpoint size is not a number');
    const rootHash = Buffer.from(root ?? '', 'base64');
    if (rootHash.length !== 32) throw new CheckpointError('the checkpoint root is not a SHA-256 hash');
    return { origin: noteOrigin, size: Number(size), rootHash };
  }
}
