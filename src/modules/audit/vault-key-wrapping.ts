import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LedsError } from '../../platform/errors.ts';

/**
 * INVARIANT: the audit vault's keys (one per month, one per legal hold) never lie in the database in clear. Each
 * is wrapped (AES-256-GCM, the key's label as associated data, so a wrapped key cannot be moved to another month)
 * with a key-encryption key kept outside the database: a key file by default, or a KMS behind this interface.
 * Someone who can read the database files alone cannot open the vault; destroying a month's key is removing its
 * wrapped bytes, and the scrub that follows removes them from the files.
 */
export interface VaultKeyWrapping {
  wrap(label: string, key: Buffer): Buffer;
  unwrap(label: string, wrapped: Uint8Array): Buffer;
}

const nonceBytes = 12;
const tagBytes = 16;

/** The key-encryption key in a file of 32 random bytes (mode 0600), made the first time. Back it up apart. */
export class VaultKeyFile implements VaultKeyWrapping {
  private constructor(private readonly key: Buffer) {}

  static open(file: string): VaultKeyFile {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    const key = readFileSync(file);
    if (key.length !== 32) throw new LedsError('AUDIT_UNAVAILABLE', `\`${file}\` does not hold a 32-byte vault key`);
    return new VaultKeyFile(key);
  }

  wrap(label: string, key: Buffer): Buffer {
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(label, 'utf8'));
    return Buffer.concat([nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  }

  unwrap(label: string, wrapped: Uint8Array): Buffer {
    const bytes = Buffer.from(wrapped);
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, nonceBytes));
    decipher.setAAD(Buffer.from(label, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(nonceBytes, bytes.length - tagBytes)), decipher.final()]);
    } catch (error) {
      // A wrong key-encryption key (a lost or replaced file) opens nothing: the vault says so, never guesses.
      throw new LedsError('AUDIT_UNAVAILABLE', `the vault key of ${label} cannot be unwrapped with this key file`, [], {
        cause: error,
      });
    }
  }
}

export const periodLabel = (period: string) => `period:${period}`;
export const holdLabel = (id: string) => `legal-hold:${id}`;
