import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inArray, sql } from 'drizzle-orm';
import { createServices, type Services } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { auditEntries } from '../src/modules/audit/audit.tables.ts';
import { operatorContext } from '../src/platform/request-context.ts';
import { createScratchPostgres, testDatabaseKind } from './support/database.ts';
import { ndjson, personChain } from './support/records.ts';
import { givePoliceAgreement } from './support/services.ts';
import { testSigningKeyFile } from './support/signing-key.ts';

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');
let folder: string;
let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
let env: NodeJS.ProcessEnv;

/** Services over the same storage the child processes use; opened only while no server holds it. */
async function withStorage<T>(run: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(loadConfig(env));
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

/** Runs `leds audit verify`, waiting out the lock a killed server left on a PGlite folder. */
function auditVerify(): ReturnType<typeof spawnSync> {
  for (;;) {
    const result = spawnSync(process.execPath, [leds, 'audit', 'verify'], { env, encoding: 'utf8' });
    if (!String(result.stderr).includes('is in use by another LEDS process')) return result;
    spawnSync('sleep', ['0.5']);
  }
}

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-durability-'));
  scratch = await createScratchPostgres();
  env = {
    ...process.env,
    LEDS_DATA_DIR: path.join(folder, 'data'),
    LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
    DATABASE_URL: scratch?.url ?? '',
    LEDS_PORT: '0',
    LEDS_SESSION_SECRET: 'x'.repeat(32),
    LEDS_LOG_LEVEL: 'silent',
    LEDS_DATA_LOCK_STALE_SECONDS: '2',
  };
});

after(async () => {
  await scratch?.drop();
  await rm(folder, { recursive: true, force: true });
});

describe(`audit durability on ${testDatabaseKind}`, () => {
  it('keeps the audit entry of every response that carried data when the server is killed mid-load, and still verifies', async () => {
    const people = [personChain(401), personChain(402), personChain(403)];
    const { key, personIds } = await withStorage(async (services) => {
      await services.access.createOrganisation({ code: 'KILLF', name: 'Kill Force', kind: 'POLICE_FORCE' });
      await givePoliceAgreement(services, 'KILLF');
      const ctx = { ...operatorContext('CLI'), roles: ['SYSTEM_INGEST' as const, 'SYSTEM_READ' as const] };
      const organisation = await services.access.findOrganisation('KILLF');
      const force = { ...ctx, organisation: { id: organisation?.id ?? '', code: 'KILLF', kind: 'POLICE_FORCE' } };
      await services.ingest.ingestBatch(
        force,
        'KILL-CUSTODY',
        people.flatMap((p) => ndjson(p.records)),
      );
      const ids: string[] = [];
      for (const p of people) {
        const [found] = await services.records.searchPeople({ ...force, purpose: 'INVESTIGATION' }, { pncId: p.pncId });
        ids.push(found?.personId as string);
      }
      const created = await services.access.createApiKey({
        organisationCode: 'KILLF',
        name: 'load',
        roles: ['SYSTEM_READ'],
      });
      return { key: created.key, personIds: ids };
    });

    const server = spawn(process.execPath, [leds, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      server.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /LEDS is serving http:\/\/[^:]+:(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    });
    const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));

    // Eight clients read people as fast as they can; every 200 that carried the person is remembered.
    const served: string[] = [];
    let sent = 0;
    let stopped = false;
    const client = async (n: number) => {
      for (let i = 0; !stopped; i += 1) {
        const correlationId = `kill-${n}-${i}`;
        const personId = personIds[i % personIds.length] as string;
        sent += 1;
        try {
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/people/${personId}`, {
            headers: { 'x-api-key': key, 'x-leds-purpose': 'INVESTIGATION', 'x-correlation-id': correlationId },
          });
          const body = await response.text();
          if (response.status === 200 && body.includes(personId)) served.push(correlationId);
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));
    while (served.length < 150) await new Promise((resolve) => setTimeout(resolve, 20));
    server.kill('SIGKILL');
    await exited;
    stopped = true;
    await Promise.all(clients);
    assert.ok(served.length >= 150, `${served.length} responses carried data before the kill`);

    const verify = auditVerify();
    assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`);
    assert.match(String(verify.stdout), /audit log verified: \d+ entries/);

    const missing = await withStorage(async (services) => {
      const found = new Set<string>();
      for (let i = 0; i < served.length; i += 500) {
        const rows = await services.database.db
          .select({ correlationId: auditEntries.correlationId })
          .from(auditEntries)
          .where(inArray(auditEntries.correlationId, served.slice(i, i + 500)));
        for (const row of rows) found.add(row.correlationId);
      }
      const [{ kills } = { kills: 0 }] = (
        (await services.database.db.execute(
          sql`select count(*)::int as kills from audit_entries where correlation_id like 'kill-%'`,
        )) as unknown as { rows: { kills: number }[] }
      ).rows;
      assert.ok(Number(kills) >= served.length, 'no fewer entries than responses with data');
      return served.filter((id) => !found.has(id));
    });
    assert.deepEqual(missing, [], `every one of ${served.length} responses with data (of ${sent} sent) has its entry`);
  });
});
