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
import {
  checkKeyName,
  NoteFormatError,
  type NoteSignature,
  parseCheckpointText,
  parseSignedNote,
  type SignedNote,
  strictBase64,
} from './signed-note.ts';

/**
 * Checkpoints in the C2SP formats: `checkpoint` (origin, size, base64 root, each on its own line) inside a
 * `signed-note` whose signature line is an em dash, the key name, and base64 of key id || Ed25519 signature.
 * Anyone holding the verifier key (published on the transparency page) can check a checkpoint with the Go
 * sumdb/note package or any other signed-note verifier.
 */

export const ed25519Algorithm = 0x01;

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
    ({ publicKeyRaw: this.publicKeyRaw, keyId: this.keyId } = namedKey(name, privateKey, ed25519Algorithm));
  }

  /** Loads the PEM key file, creating a new key (readable by the owner only) the first time. */
  static fromFile(name: string, file: string): { signer: CheckpointSigner; created: boolean } {
    const { key, created } = ed25519KeyFile(file);
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

/** A signing key's public half and its signed-note key id, once its name is checked. */
export function namedKey(name: string, privateKey: KeyObject, type: number): { publicKeyRaw: Buffer; keyId: Buffer } {
  try {
    checkKeyName(name);
  } catch (error) {
    throw new CheckpointError((error as Error).message);
  }
  const publicKeyRaw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url');
  return { publicKeyRaw, keyId: keyIdOf(name, publicKeyRaw, type) };
}

/** An Ed25519 private key in a PEM file, made (readable by the owner only) the first time. */
export function ed25519KeyFile(file: string): { key: KeyObject; created: boolean } {
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
  return { key, created };
}

/** SHA-256(key name || newline || signature type || public key)[:4], as signed-note recommends. */
export function keyIdOf(name: string, publicKey: Buffer, type: number = ed25519Algorithm): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([type]), publicKey]))
    .digest()
    .subarray(0, 4);
}

export function checkpointBody({ origin, size, rootHash }: Checkpoint): string {
  return `${origin}\n${size}\n${rootHash.toString('base64')}\n`;
}

/** A verifier made from the published verifier key string. */
export class CheckpointVerifier {
  readonly name: string;
  readonly keyId: Buffer;
  private readonly publicKey: KeyObject;

  constructor(verifierKey: string) {
    const { name, keyId, publicKey } = parseVerifierKey(verifierKey, ed25519Algorithm);
    this.name = name;
    this.keyId = keyId;
    this.publicKey = publicKey;
  }

  /** The key signed this note's text (only its name and key id are looked at among the signatures). */
  verifies(text: string, signatures: NoteSignature[]): boolean {
    const ours = signatures.filter((s) => s.name === this.name && s.keyId.equals(this.keyId));
    if (ours.length === 0) throw new CheckpointError(`the note carries no signature by \`${this.name}\``);
    return ours.every((s) => verify(null, Buffer.from(text, 'utf8'), this.publicKey, s.signature));
  }

  /** The text of a signed note; throws CheckpointError unless it is well formed and this key signed it. */
  openNote(note: string): string {
    const { text, signatures } = parseNote(note);
    if (!this.verifies(text, signatures)) throw new CheckpointError('the signature does not verify');
    return text;
  }

  /** Opens a signed checkpoint; throws CheckpointError unless this key signed it and its text is well formed. */
  open(note: string, origin: string): Checkpoint {
    const text = this.openNote(note);
    const checkpoint = checkpointOf(text);
    if (checkpoint.origin !== origin)
      throw new CheckpointError(`the checkpoint is for \`${checkpoint.origin}\`, not \`${origin}\``);
    return checkpoint;
  }
}

/** The signed-note rules broken, as a CheckpointError (one kind of error for everything a note can get wrong). */
export function parseNote(note: string): SignedNote {
  try {
    return parseSignedNote(note);
  } catch (error) {
    if (error instanceof NoteFormatError) throw new CheckpointError(error.message);
    throw error;
  }
}

/** A checkpoint from its text, refusing extension lines: LEDS's log writes none, so one is not its checkpoint. */
export function checkpointOf(text: string): Checkpoint {
  try {
    const { origin, size, rootHash, extensions } = parseCheckpointText(text);
    if (extensions.length > 0) throw new CheckpointError('a checkpoint of this log has no extension lines');
    return { origin, size, rootHash };
  } catch (error) {
    if (error instanceof NoteFormatError) throw new CheckpointError(error.message);
    throw error;
  }
}

/** `<name>+<hex key id>+<base64(type || 32-byte key)>`, checked: the id is the hash the signed-note spec gives. */
export function parseVerifierKey(
  verifierKey: string,
  type: number,
): { name: string; keyId: Buffer; publicKeyRaw: Buffer; publicKey: KeyObject } {
  // The base64 key may itself hold plus signs, so only the first two separate fields.
  const [name = '', hash = '', ...keyParts] = verifierKey.split('+');
  const key = keyParts.join('+');
  let raw: Buffer;
  try {
    checkKeyName(name);
    raw = strictBase64(key, 'the key');
  } catch (error) {
    if (error instanceof NoteFormatError) throw new CheckpointError(`not a verifier key: ${error.message}`);
    throw error;
  }
  if (!/^[0-9a-f]{8}$/.test(hash) || raw.length !== 33 || raw[0] !== type)
    throw new CheckpointError(
      type === ed25519Algorithm ? 'not an Ed25519 verifier key' : 'not an Ed25519 cosigner key',
    );
  const publicKeyRaw = raw.subarray(1);
  const keyId = keyIdOf(name, publicKeyRaw, type);
  if (keyId.toString('hex') !== hash) throw new CheckpointError('the verifier key hash does not match its key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyRaw.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyId, publicKeyRaw, publicKey };
}
