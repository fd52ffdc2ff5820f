import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CheckpointSigner, CheckpointVerifier } from './signed-checkpoint.ts';

// The example of golang.org/x/mod/sumdb/note, which every signed-note implementation reproduces.
const goExample = {
  privateKey: 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
  verifierKey: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  signature:
    '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
};

describe('signed notes and checkpoints', () => {
  test('signing the Go sumdb/note example gives its published note and verifier key', () => {
    const seed = Buffer.from(goExample.privateKey.split('+').slice(4).join('+'), 'base64').subarray(1);
    const signer = CheckpointSigner.fromSeed('PeterNeumann', seed);
    assert.equal(signer.verifierKey, goExample.verifierKey);
    assert.equal(signer.signNote(goExample.text), `${goExample.text}\n${goExample.signature}`);
  });

  test('the Go example opens with its verifier key, and one changed letter is refused', () => {
    const verifier = new CheckpointVerifier(goExample.verifierKey);
    const note = `${goExample.text}\n${goExample.signature}`;
    assert.equal(verifier.openNote(note), goExample.text);
    assert.throws(() => verifier.openNote(note.replace('cryptography', 'cryptographY')), /does not verify/);
  });

  test('a checkpoint signed by a new key file opens with its verifier key; another origin or key is refused', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'leds-key-'));
    const file = path.join(folder, 'audit-signing-key.pem');
    const { signer, created } = CheckpointSigner.fromFile('leds.test/audit', file);
    assert.equal(created, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(CheckpointSigner.fromFile('leds.test/audit', file).created, false);
    const rootHash = Buffer.alloc(32, 7);
    const note = signer.sign({ origin: 'leds.test/audit', size: 42, rootHash });
    assert.match(note, /^leds\.test\/audit\n42\nBwcH[A-Za-z0-9+/=]+\n\n\u2014 leds\.test\/audit \S+\n$/);
    const opened = new CheckpointVerifier(signer.verifierKey).open(note, 'leds.test/audit');
    assert.deepEqual(opened, { origin: 'leds.test/audit', size: 42, rootHash });
    assert.throws(() => new CheckpointVerifier(signer.verifierKey).open(note, 'other/audit'), /not `other\/audit`/);
    assert.throws(() => new CheckpointVerifier(goExample.verifierKey).open(note, 'leds.test/audit'), /no signature/);
    assert.throws(
      () => new CheckpointVerifier(signer.verifierKey).open(note.replace('\n42\n', '\n43\n'), 'leds.test/audit'),
      /does not verify/,
    );
  });
});
