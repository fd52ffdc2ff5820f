import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Config, ConfigError, loadConfig, requireAuditSigningKey } from '../src/config/config.ts';
import { testSigningKeyFile } from './support/signing-key.ts';

let folder: string;
before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-config-'));
});
after(() => rm(folder, { recursive: true, force: true }));

describe('configuration', () => {
  it('refuses an override the schema does not allow, naming the setting', () => {
    assert.throws(
      () => loadConfig({}, { rateLimit: { windowMinutes: 0, signInPerWindow: 5, publicFormPerWindow: 5 } }),
      (error: unknown) => error instanceof ConfigError && /`\/rateLimit\/windowMinutes`/.test(error.message),
    );
    assert.throws(
      () => loadConfig({}, { port: -1 }),
      (error: unknown) => error instanceof ConfigError && /`\/port`/.test(error.message),
    );
    assert.throws(
      () => loadConfig({}, { sessionHourz: 8 } as Partial<Config>),
      (error: unknown) => error instanceof ConfigError && /`\/sessionHourz` is not a setting/.test(error.message),
    );
  });

  it('refuses a variable that is not a whole number, naming the variable', () => {
    assert.throws(() => loadConfig({ LEDS_SESSION_HOURS: 'eight' }), {
      name: 'ConfigError',
      message: 'LEDS_SESSION_HOURS must be a whole number of at least 1, got `eight`',
    });
  });

  it('keeps the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.databaseRole, 'leds_app');
    assert.deepEqual(config.rateLimit, { windowMinutes: 15, signInPerWindow: 50, publicFormPerWindow: 10 });
    assert.deepEqual(config.retention.mopiGroup1MarkerCodes, ['MAPPA', 'PDP']);
    assert.equal(config.audit.signingKeyFile, path.resolve('data', 'audit-signing-key.pem'));
  });

  it('refuses to start outside demo mode without the audit signing key, naming the setting', () => {
    const missing = path.join(folder, 'no-such-key.pem');
    const config = loadConfig({ LEDS_DATA_DIR: folder, LEDS_AUDIT_SIGNING_KEY_FILE: missing });
    assert.throws(
      () => requireAuditSigningKey(config),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith('LEDS_AUDIT_SIGNING_KEY_FILE must name an Ed25519 key outside demo mode') &&
        error.message.includes(missing),
    );
    requireAuditSigningKey(loadConfig({ LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile() }));
    // Demo mode makes its key on first start.
    requireAuditSigningKey(loadConfig({ LEDS_DEMO: 'true', LEDS_AUDIT_SIGNING_KEY_FILE: missing }));
  });
});
