import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let file: string | undefined;

/**
 * An audit signing key for tests that run LEDS outside demo mode, which refuses to start without one (a deployment
 * is given its key; it never makes one). One key per test process, in a folder of its own.
 */
export function testSigningKeyFile(): string {
  if (!file) {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'leds-signing-key-')), 'audit-signing-key.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return file;
}
