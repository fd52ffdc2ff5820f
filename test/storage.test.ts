import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { organisations } from '../src/modules/access/access.tables.ts';
import { bulkInsert } from '../src/storage/bulk-insert.ts';
import type { DatabaseHandle } from '../src/storage/database.ts';
import { migrateDatabase, openDatabase } from '../src/storage/open-database.ts';
import { openTestDatabase, testDatabaseKind } from './support/database.ts';
import { testSigningKeyFile } from './support/signing-key.ts';

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');
let database: DatabaseHandle;

before(async () => {
  database = await openTestDatabase();
});
after(() => database.close());

describe(`storage on ${testDatabaseKind}`, () => {
  it('applies migrations forward only: a second run changes nothing', async () => {
    await migrateDatabase(database);
    // The migrations table belongs to the login user; the application's role has no need to read it.
    const owner = database.url ? await openDatabase({ kind: 'postgres', url: database.url }) : database;
    const result = (await owner.db.execute(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    )) as unknown as { rows: { n: number }[] };
    if (owner !== database) await owner.close();
    assert.equal(
      result.rows[0]?.n,
      readdirSync(new URL('../drizzle', import.meta.url)).filter((f) => f.endsWith('.sql')).length,
    );
  });

  it('has the trigram extension the first migration creates', async () => {
    const result = (await database.db.execute(sql`select similarity('SMITH', 'SMYTH') > 0 as ok`)) as unknown as {
      rows: { ok: boolean }[];
    };
    assert.equal(result.rows[0]?.ok, true);
  });

  it('returns timestamps in UTC whatever the host zone', async () => {
    const result = (await database.db.execute(
      sql`select to_json(timestamptz '2024-03-01 10:00:00+01') as t`,
    )) as unknown as { rows: { t: string }[] };
    assert.equal(result.rows[0]?.t, '2024-03-01T09:00:00+00:00');
  });

  it('bulk-inserts rows given by field name, arrays and nulls included', async () => {
    const rows = [1, 2, 3].map((i) => ({
      id: `00000000-0000-4000-8000-00000000010${i}`,
      code: `BULK${i}`,
      name: `Bulk ${i} 'quoted'`,
      kind: 'POLICE_FORCE',
    }));
    await bulkInsert(database.db, organisations, rows);
    const stored = await database.db
      .select()
      .from(organisations)
      .where(sql`code like 'BULK%'`)
      .orderBy(organisations.code);
    assert.deepEqual(
      stored.map((o) => o.name),
      ["Bulk 1 'quoted'", "Bulk 2 'quoted'", "Bulk 3 'quoted'"],
    );
  });

  it('every person-scoped table carries person_id', async () => {
    const result = (await database.db.execute(sql`
      select table_name from information_schema.tables t
      where table_schema = 'public' and table_name not in ('organisations', 'users', 'api_keys', 'web_sessions', 'ingest_batches', 'unidentified_remains', 'data_sharing_agreements', 'agreement_grants', 'access_applications', 'access_application_items', 'audit_entries', 'audit_tree_nodes', 'audit_checkpoints', 'audit_cosignatures', 'audit_vault_keys', 'audit_vault_content', 'audit_legal_holds', 'audit_cases', 'job_leases', 'source_systems')
        and not exists (select 1 from information_schema.columns c where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'person_id')`)) as unknown as {
      rows: { table_name: string }[];
    };
    assert.deepEqual(result.rows, []);
  });
});

describe('embedded database folder', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'leds-lock-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('refuses to open a data folder another process holds, and opens it once released', async () => {
    const holder = await openDatabase({ kind: 'pglite', dataDir: folder });
    const env = {
      ...process.env,
      LEDS_DATA_DIR: folder,
      LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
      DATABASE_URL: '',
    };
    const refused = spawnSync(process.execPath, [leds, 'migrate'], { env, encoding: 'utf8' });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /is in use by another LEDS process/);
    await holder.close();
    const allowed = spawnSync(process.execPath, [leds, 'migrate'], { env, encoding: 'utf8' });
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stdout, /migrations applied \(pglite\)/);
  });

  it('releases the folder on SIGTERM even when the signal comes twice', async () => {
    const env = {
      ...process.env,
      LEDS_DATA_DIR: folder,
      LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
      DATABASE_URL: '',
      LEDS_PORT: '0',
      LEDS_SESSION_SECRET: 'x'.repeat(32),
    };
    const server = spawn(process.execPath, [leds, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('LEDS is serving')) resolve();
      });
      server.on('exit', (code) => reject(new Error(`serve exited with ${code} before serving: ${output}`)));
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(existsSync(path.join(folder, 'leds.lock')), false);
  });
});
