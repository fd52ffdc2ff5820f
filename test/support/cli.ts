import { spawnSync } from 'node:child_process';
import { testSigningKeyFile } from './signing-key.ts';

/** Runs `leds` in a child process on the embedded database in `folder`, with the test signing key, quietly. */
export function ledsIn(folder: string, env: Record<string, string> = {}) {
  return (...args: string[]) =>
    spawnSync(process.execPath, ['bin/leds.js', ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        LEDS_DATA_DIR: folder,
        LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
        DATABASE_URL: '',
        LEDS_LOG_LEVEL: 'silent',
        ...env,
      },
    });
}
