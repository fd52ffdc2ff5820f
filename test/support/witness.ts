import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { consistencyProofRanges, leafHash, rootOfLeaves } from '../../src/modules/audit/merkle.ts';
import { CheckpointSigner, checkpointBody } from '../../src/modules/audit/signed-checkpoint.ts';
import { parseSignatureLines, parseSignedNote } from '../../src/modules/audit/signed-note.ts';
import { CosignatureVerifier } from '../../src/modules/audit/witness-cosignature.ts';
import { buildWitnessApp } from '../../src/witness-app.ts';

/**
 * A witness (src/witness-app.ts) listening on 127.0.0.1, and logs made in the test: real Merkle trees of random
 * leaves, checkpoints signed by a test key, and consistency proofs computed here from the leaves (merkle.ts's
 * proof ranges, each hashed with rootOfLeaves), not by the code under test.
 */

/** The time the test witnesses cosign at, so a cosignature's timestamp can be checked exactly. */
export const witnessTime = new Date('2026-11-01T12:00:00Z');
export const witnessSeconds = Math.floor(witnessTime.getTime() / 1000);

const folders: string[] = [];

/** A fresh folder under the system's temporary folder, removed by `removeTempFolders`. */
export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

export function removeTempFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** A log of random leaves with its own key; `fork` copies a prefix under the same key, to grow another way. */
export class TestLog {
  readonly signer: CheckpointSigner;

  constructor(
    readonly origin: string,
    private readonly seed: Buffer = randomBytes(32),
    readonly leaves: Buffer[] = [],
  ) {
    this.signer = CheckpointSigner.fromSeed(origin, seed);
  }

  get size(): number {
    return this.leaves.length;
  }

  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  grow(count: number): this {
    for (let i = 0; i < count; i += 1) this.leaves.push(leafHash(randomBytes(24)));
    return this;
  }

  /** The same log (same key) up to `size`, to grow differently: the other side of a split view or a rollback. */
  fork(size = this.size): TestLog {
    return new TestLog(this.origin, this.seed, this.leaves.slice(0, size));
  }

  root(size = this.size): Buffer {
    return rootOfLeaves(this.leaves.slice(0, size));
  }

  text(size = this.size, extensions: string[] = []): string {
    const body = checkpointBody({ origin: this.origin, size, rootHash: this.root(size) });
    return body + extensions.map((line) => `${line}\n`).join('');
  }

  /** The signed checkpoint of the first `size` leaves. */
  checkpoint(size = this.size, extensions: string[] = []): string {
    return this.signer.signNote(this.text(size, extensions));
  }

  /** The RFC 9162 consistency proof from `from` to `to`, each range's hash computed from the leaves. */
  proof(from: number, to = this.size): Buffer[] {
    return consistencyProofRanges(from, to).map(([start, end]) => rootOfLeaves(this.leaves.slice(start, end)));
  }

  /** An add-checkpoint body from `old` to the whole log, with the proof computed from the leaves. */
  body(old: number, options: { size?: number; extensions?: string[] } = {}): string {
    const size = options.size ?? this.size;
    return requestBody(old, old === 0 ? [] : this.proof(old, size), this.checkpoint(size, options.extensions));
  }
}

export const requestBody = (old: number | string, proof: readonly Buffer[], note: string): string =>
  `old ${old}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;

export interface WitnessReply {
  status: number;
  type: string;
  text: string;
}

export interface RunningWitness {
  app: FastifyInstance;
  url: string;
  name: string;
  verifierKey: string;
  stateDir: string;
  keyFile: string;
  /** Every add-checkpoint body the witness was sent, in order. */
  received: string[];
  add(body: string | Uint8Array, headers?: Record<string, string>): Promise<WitnessReply>;
  close(): Promise<void>;
}

export interface WitnessSetup {
  stateDir?: string;
  keyFile?: string;
  name?: string;
  now?: () => Date;
}

/** A witness following these logs, listening on 127.0.0.1 on a port of its own (a new state folder unless given). */
export async function startWitness(logKeys: readonly string[], setup: WitnessSetup = {}): Promise<RunningWitness> {
  const stateDir = setup.stateDir ?? path.join(tempFolder('leds-witness-'), 'state');
  const keyFile = setup.keyFile ?? path.join(tempFolder('leds-witness-key-'), 'witness.pem');
  const name = setup.name ?? 'witness.test/w1';
  const { app, verifierKey } = await buildWitnessApp({
    name,
    keyFile,
    stateDir,
    logKeys,
    now: setup.now ?? (() => witnessTime),
  });
  const received: string[] = [];
  app.addHook('preHandler', async (request) => {
    if (typeof request.body === 'string') received.push(request.body);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const add = async (body: string | Uint8Array, headers: Record<string, string> = {}): Promise<WitnessReply> => {
    const response = await fetch(`${url}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };
  return { app, url, name, verifierKey, stateDir, keyFile, received, add, close: () => app.close() };
}

/**
 * Checks a 200 answer: one signature line, which CosignatureVerifier accepts for the checkpoint, and which is,
 * read by hand, the witness's key id, an 8-byte timestamp and an Ed25519 signature over `cosignature/v1`, the
 * time line and the checkpoint's text. Returns the timestamp.
 */
export function assertCosigned(witness: RunningWitness, reply: WitnessReply, note: string): number {
  assert.equal(reply.status, 200, reply.text);
  const { text } = parseSignedNote(note);
  const signatures = parseSignatureLines(reply.text);
  assert.equal(signatures.length, 1, 'one cosignature line');
  const verifier = new CosignatureVerifier(witness.verifierKey);
  const timestamp = verifier.timestampOf(text, signatures);
  assert.equal(timestamp, witnessSeconds, 'the cosignature carries the time the witness signed at');
  // The base64 key may hold plus signs itself: only the first two separate the fields.
  const [name, , ...keyParts] = witness.verifierKey.split('+');
  const key = keyParts.join('+');
  const [line] = reply.text.split('\n');
  assert.match(line ?? '', new RegExp(`^\u2014 ${name} [A-Za-z0-9+/=]+$`));
  const bytes = Buffer.from((line ?? '').split(' ')[2] ?? '', 'base64');
  assert.equal(bytes.length, 4 + 8 + 64);
  assert.deepEqual(bytes.subarray(0, 4), verifier.keyId);
  const seconds = Number(bytes.readBigUInt64BE(4));
  const raw = Buffer.from(key, 'base64').subarray(1);
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  const message = Buffer.from(`cosignature/v1\ntime ${seconds}\n${text}`, 'utf8');
  assert.ok(verify(null, message, publicKey, bytes.subarray(12)), 'an Ed25519 signature over the cosigned message');
  return seconds;
}

/** Checks a 409 that tells the latest cosigned size, as the spec's client needs it. */
export function assertSizeTold(reply: WitnessReply, size: number): void {
  assert.equal(reply.status, 409, reply.text);
  assert.equal(reply.type, 'text/x.tlog.size');
  assert.equal(reply.text, `${size}\n`);
}
