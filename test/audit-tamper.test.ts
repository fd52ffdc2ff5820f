import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createServices } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { auditEntries } from '../src/modules/audit/audit.tables.ts';
import { entryRow } from '../src/modules/audit/audit-log.ts';
import { recordsetInsert } from '../src/storage/bulk-insert.ts';
import { type DatabaseHandle, queryRows } from '../src/storage/database.ts';
import { openDatabase } from '../src/storage/open-database.ts';
import { asDatabaseOwner, createScratchPostgres, testDatabaseKind } from './support/database.ts';
import { ndjson, personChain } from './support/records.ts';
import { givePoliceAgreement } from './support/services.ts';
import { testSigningKeyFile } from './support/signing-key.ts';

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');
let folder: string;
let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
let env: NodeJS.ProcessEnv;

const auditVerify = () => spawnSync(process.execPath, [leds, 'audit', 'verify'], { env, encoding: 'utf8' });

/**
 * Changes the stored log by hand, as a database administrator could: triggers off for the session
 * (session_replication_role = replica needs a superuser), then plain SQL.
 */
async function byHand(statements: string[]): Promise<void> {
  const handle = scratch
    ? await openDatabase({ kind: 'postgres', url: scratch.url })
    : await openDatabase({ kind: 'pglite', dataDir: path.join(folder, 'data') });
  try {
    await asDatabaseOwner(handle, ['begin', 'set local session_replication_role = replica', ...statements, 'commit']);
  } finally {
    await handle.close();
  }
}

async function withOwnerHandle<T>(run: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = scratch
    ? await openDatabase({ kind: 'postgres', url: scratch.url })
    : await openDatabase({ kind: 'pglite', dataDir: path.join(folder, 'data') });
  try {
    return await run(handle);
  } finally {
    await handle.close();
  }
}

async function entryText(seq: number): Promise<string> {
  const [row] = await withOwnerHandle((handle) =>
    queryRows<{ entry: string }>(handle.db, sql`select entry from audit_entries where seq = ${seq}`),
  );
  return row?.entry as string;
}

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-tamper-'));
  scratch = await createScratchPostgres();
  env = {
    ...process.env,
    LEDS_DATA_DIR: path.join(folder, 'data'),
    LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
    DATABASE_URL: scratch?.url ?? '',
  };
  const services = await createServices(loadConfig(env));
  try {
    await services.access.createOrganisation({ code: 'TAMP', name: 'Tamper Force', kind: 'POLICE_FORCE' });
    await givePoliceAgreement(services, 'TAMP');
    const organisation = await services.access.findOrganisation('TAMP');
    const ctx = {
      actor: { kind: 'system' as const, id: 'tamper-test', name: 'tamper test' },
      organisation: { id: organisation?.id ?? '', code: 'TAMP', kind: 'POLICE_FORCE' },
      roles: ['SYSTEM_INGEST' as const, 'SYSTEM_READ' as const],
      purpose: 'INVESTIGATION',
      caseReference: undefined,
      correlationId: 'tamper-setup',
    };
    const chain = personChain(501);
    await services.ingest.ingestBatch(ctx, 'TAMP-CUSTODY', ndjson(chain.records));
    const [person] = await services.records.searchPeople(ctx, { pncId: chain.pncId });
    for (let i = 0; i < 10; i += 1) await services.records.viewPerson(ctx, person?.personId as string);
    await services.audit.signCheckpoint();
  } finally {
    await services.close();
  }
});

after(async () => {
  await scratch?.drop();
  await rm(folder, { recursive: true, force: true });
});

describe(`leds audit verify on ${testDatabaseKind}`, () => {
  it('passes on the log as written', () => {
    const result = auditVerify();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /audit log verified: \d+ entries, 1 signed checkpoints/);
  });

  it('names an entry whose stored text was changed, and passes again once it is put back', async () => {
    const original = await entryText(5);
    await byHand([`update audit_entries set entry = replace(entry, '"v":1', '"v":1 ') where seq = 5`]);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /#5\tentry 5 does not match its stored leaf hash/);
    assert.match(result.stdout, /first bad entry: 5/);
    await byHand([`update audit_entries set entry = ${quoted(original)} where seq = 5`]);
    assert.equal(auditVerify().status, 0);
  });

  it('names a removed entry', async () => {
    const original = await entryText(7);
    await byHand(['delete from audit_entries where seq = 7']);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /#7\tentry 7 is missing/);
    assert.match(result.stdout, /first bad entry: 7/);
    // Putting a row back is an INSERT, which the append-only trigger allows.
    await withOwnerHandle((handle) =>
      handle.db.execute(recordsetInsert(auditEntries, [entryRow(JSON.parse(original), original)])),
    );
    assert.equal(auditVerify().status, 0);
  });

  it('names rows that were reordered', async () => {
    const [three, four] = [await entryText(3), await entryText(4)];
    await byHand([
      `update audit_entries set entry = ${quoted(four)} where seq = 3`,
      `update audit_entries set entry = ${quoted(three)} where seq = 4`,
    ]);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /#3\tthe row at 3 holds entry 4: rows were reordered/);
    assert.match(result.stdout, /first bad entry: 3/);
    await byHand([
      `update audit_entries set entry = ${quoted(three)} where seq = 3`,
      `update audit_entries set entry = ${quoted(four)} where seq = 4`,
    ]);
    assert.equal(auditVerify().status, 0);
  });

  it('catches an entry rewritten together with its leaf hash, by the tree and the signed checkpoint', async () => {
    const original = await entryText(6);
    const forged = original.replace('"v":1', '"v":1 ');
    const { leafHash } = await import('../src/modules/audit/merkle.ts');
    await byHand([
      `update audit_entries set entry = ${quoted(forged)} where seq = 6`,
      `update audit_tree_nodes set hash = '\\x${leafHash(forged).toString('hex')}'::bytea where level = 0 and node_index = 6`,
    ]);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /tree node 1\/3 \(entries 6 to 7\) does not match the entries/);
    assert.match(result.stdout, /the entries no longer hash to its signed root/);
    assert.match(result.stdout, /first bad entry: 6/);
    await byHand([
      `update audit_entries set entry = ${quoted(original)} where seq = 6`,
      `update audit_tree_nodes set hash = '\\x${leafHash(original).toString('hex')}'::bytea where level = 0 and node_index = 6`,
    ]);
    assert.equal(auditVerify().status, 0);
  });
});
