import { createHash, randomBytes } from 'node:crypto';

// Hashing happens in Node, not in the database: PGlite's pgcrypto failed intermittently when measured here.
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A URL-safe random secret, for session tokens and API keys. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
