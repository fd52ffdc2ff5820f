import { randomToken, sha256Hex } from '../../platform/crypto.ts';

/** A new API key: the secret, shown to its holder once; the prefix that finds its row; the hash that is kept. */
export interface ApiKeySecret {
  key: string;
  prefix: string;
  keyHash: string;
}

/** Makes the secret of a new API key, `leds_<prefix>_<secret>`; only its SHA-256 is ever stored. */
export function newApiKeySecret(): ApiKeySecret {
  // The prefix sits between underscores, so it may hold none itself.
  const prefix = randomToken(6).replace(/[-_]/g, 'x');
  const key = `leds_${prefix}_${randomToken(24)}`;
  return { key, prefix, keyHash: sha256Hex(key) };
}

/** The prefix of a presented key, or undefined when it does not have the form of a LEDS key. */
export function apiKeyPrefixOf(key: string): string | undefined {
  return /^leds_([A-Za-z0-9]+)_[A-Za-z0-9_-]+$/.exec(key)?.[1];
}
