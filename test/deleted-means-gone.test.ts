import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createServices, type Services } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { LedsError } from '../src/platform/errors.ts';
import { operatorContext, type RequestContext } from '../src/platform/request-context.ts';
import { type DatabaseHandle, queryRows } from '../src/storage/database.ts';
import { migrateDatabase, openDatabase } from '../src/storage/open-database.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { createScratchPostgres, testDatabaseKind } from './support/database.ts';
import { ndjson, personChain } from './support/records.ts';
import { givePoliceAgreement } from './support/services.ts';

// Issue 13 item 8, tried as an outsider would: delete a person, then look for them everywhere: every table, the
// image files, and the bytes of the database's own files. Tombstones and audit entries carry rules and ids, never
// the person; applications for deletion lose the applicant's details when their own rule says so.

let folder: string;
let handle: DatabaseHandle;
let services: Services;
let clock: ReturnType<typeof fixedClock>;
let force: RequestContext;
let officer: RequestContext;
/** Where the database keeps this database's files, and how to make it write them out now. */
let files: { folders: string[]; flush: () => Promise<void> };
let dropScratch: (() => Promise<void>) | undefined;
const operator = () => operatorContext('JOB', 'test:sweep');

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...(await allFiles(full)));
    else found.push(full);
  }
  return found;
}

/** Which relation a data file holds, to name it in a failure (PostgreSQL's files are named by number). */
async function relationOf(file: string): Promise<string> {
  const node = path.basename(file).match(/^(\d{1,10})(?:_\w+)?(?:\.\d+)?$/)?.[1];
  if (!node || !file.includes(`${path.sep}base${path.sep}`)) return '';
  const [row] = await queryRows<{ relname: string }>(
    handle.db,
    sql`SELECT relname FROM pg_class WHERE pg_relation_filenode(oid) = ${Number(node)}`,
  );
  return row ? ` (${row.relname})` : '';
}

/** Every file of the database (and the blob folder) whose bytes hold any needle, as `file: needle`. */
async function onDisk(needles: (string | Buffer)[]): Promise<string[]> {
  await files.flush();
  const found: string[] = [];
  for (const dir of [...files.folders, path.join(folder, 'blobs')]) {
    for (const file of await allFiles(dir)) {
      const bytes = await readFile(file).catch(() => Buffer.alloc(0));
      for (const needle of needles)
        if (bytes.includes(Buffer.from(needle)))
          found.push(`${file}${await relationOf(file)}: ${typeof needle === 'string' ? needle : 'bytes'}`);
    }
  }
  return found;
}

/** Every row of every table (the audit log's included), as JSON text, searched for the needles. */
async function inTables(needles: string[]): Promise<string[]> {
  const tables = await queryRows<{ table_name: string }>(
    handle.db,
    sql`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const found: string[] = [];
  for (const { table_name } of tables) {
    const rows = await queryRows<{ row: string }>(
      handle.db,
      sql.raw(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`),
    );
    for (const { row } of rows)
      for (const needle of needles) if (row.includes(needle)) found.push(`${table_name}: ${needle}`);
  }
  return found;
}

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-gone-'));
  if (testDatabaseKind === 'pglite') {
    // On disk, unlike the other suites' in-memory PGlite: the files are what is searched.
    handle = await openDatabase({ kind: 'pglite', dataDir: folder });
    files = {
      folders: [path.join(folder, 'pgdata')],
      flush: async () => void (await handle.db.execute(sql`CHECKPOINT`)),
    };
  } else {
    const scratch = await createScratchPostgres();
    assert.ok(scratch);
    dropScratch = scratch.drop;
    handle = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4, role: 'leds_app' });
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    const [{ data_directory: dataDirectory }] = (await admin.query('SHOW data_directory')).rows;
    const [{ oid }] = (await admin.query('SELECT oid FROM pg_database WHERE datname = current_database()')).rows;
    await admin.end();
    // This database's own files. The write-ahead log is the server's and is not searched: docs/retention.md
    // says how long it, its archive and backups hold deleted data, and what the operator does about it.
    files = {
      folders: [path.join(dataDirectory, 'base', String(oid))],
      flush: async () => {
        const c = new pg.Client({ connectionString: scratch.url });
        await c.connect();
        await c.query('CHECKPOINT');
        await c.end();
      },
    };
  }
  await migrateDatabase(handle);
  clock = fixedClock('2026-11-01T12:00:00Z');
  const config = loadConfig(
    {},
    {
      dataDir: folder,
      blobDir: path.join(folder, 'blobs'),
      sessionSecret: 'test-session-secret-of-at-least-32-characters',
      logLevel: 'silent',
      // A PostgreSQL server's default is a plain VACUUM, which leaves dead rows' bytes until the space is reused;
      // VACUUM FULL is what makes the files clean, and what this test holds both databases to.
      retention: { ...loadConfig({}).retention, scrubAfterDeletion: 'vacuum-full' },
    },
  );
  services = await createServices(config, { database: handle, clock });
  const org = await services.access.createOrganisation({ code: 'GONE01', name: 'Gone force', kind: 'POLICE_FORCE' });
  await givePoliceAgreement(services, 'GONE01');
  const context = (roles: RequestContext['roles'], purpose?: string): RequestContext => ({
    actor: { kind: 'system', id: 'test-gone', name: 'test gone' },
    organisation: { id: org.id, code: org.code, kind: org.kind },
    roles,
    purpose,
    caseReference: undefined,
    correlationId: 'test-gone',
  });
  force = context(['SYSTEM_INGEST', 'ADMINISTRATOR']);
  officer = context(['RETENTION_OFFICER'], 'DATA_QUALITY');
});

after(async () => {
  await services?.close();
  await handle?.close();
  await dropScratch?.();
  await rm(folder, { recursive: true, force: true });
});

describe('deleted means gone, on disk too (issue 13 item 8)', () => {
  it('a person deleted on review is in no table, no image file and no byte of the database files; the tombstones name only rules and ids', async () => {
    const chain = personChain(801, { surname: 'Quillfeatherby', outcome: 'CONVICTED' });
    await services.ingest.ingestBatch(force, 'GONE-CUSTODY', ndjson(chain.records));
    const [person] = await queryRows<{ record_id: string }>(
      handle.db,
      sql`SELECT record_id FROM source_records WHERE source_record_id = 'T801-P'`,
    );
    assert.ok(person);
    const needles = ['Quillfeatherby', 'QUILLFEATHERBY', chain.pncId, chain.croNumber];
    // The search can fail: before the deletion it finds the person in the tables and in the files.
    assert.ok((await inTables(needles)).length > 0);
    assert.ok((await onDisk(needles)).length > 0, 'the file search sees live rows');

    await services.retention.recordReview(officer, {
      itemId: person.record_id,
      outcome: 'DISPOSE',
      reason: 'No policing purpose remains (MoPI review).',
    });

    assert.deepEqual(await inTables(needles), []);
    assert.deepEqual(await onDisk(needles), []);
    const tombstones = await queryRows<{ rule_id: string; basis: string }>(
      handle.db,
      sql`SELECT rule_id, basis FROM record_tombstones WHERE person_id = ${person.record_id}::uuid`,
    );
    assert.ok(tombstones.length >= 8);
    // The basis is the rule in the rule set's words: no date, so no date of birth, no outcome.
    for (const t of tombstones) {
      assert.equal(t.basis, 'REVIEW_DISPOSAL: Reviewer found no remaining policing purpose');
      assert.doesNotMatch(t.basis, /\d{4}-\d{2}-\d{2}/);
    }
    await assertAuditLogVerifies(services);
  });

  it('a tombstone made under "until the subject is 100" does not give the date of birth away', async () => {
    // Born 1925-05-05, convicted in 1990: on 2026-11-01 the 100th birthday (2025-05-05) has passed.
    const chain = personChain(802, { surname: 'Centenaria', outcome: 'CONVICTED' });
    const records = chain.records
      .filter(
        (r) => r.kind !== 'custody-image' && r.kind !== 'biometric-reference' && r.kind !== 'missing-person-report',
      )
      .map((r) => (r.kind === 'person' ? { ...r, datesOfBirth: [{ date: '1925-05-05' }] } : r));
    await services.ingest.ingestBatch(force, 'GONE-CUSTODY', ndjson(records));
    const tombstones = await queryRows<{ rule_id: string; record_kind: string; basis: string }>(
      handle.db,
      sql`SELECT DISTINCT rule_id, record_kind, basis FROM record_tombstones WHERE source_record_id LIKE 'T802-%'`,
    );
    assert.ok(
      tombstones.some((t) => t.record_kind === 'person' && t.rule_id === 'P1'),
      `the person record went at 100: ${JSON.stringify(tombstones)}`,
    );
    for (const t of tombstones) assert.doesNotMatch(t.basis, /2025-05-05|1925/);
    const entries = await queryRows<{ entry: string }>(
      handle.db,
      sql`SELECT entry FROM audit_entries WHERE action = 'retention.destroy'`,
    );
    assert.ok(entries.length > 0);
    for (const e of entries) assert.doesNotMatch(e.entry, /2025-05-05|1925-05-05/);
    await assertAuditLogVerifies(services);
  });

  it('an application for deletion loses the applicant and the free texts after its own rule (RDP_APPLICATION); the figures still count it', async () => {
    const chain = personChain(803, { surname: 'Petitioner', outcome: 'NO_FURTHER_ACTION' });
    await services.ingest.ingestBatch(force, 'GONE-CUSTODY', ndjson(chain.records));
    const details = {
      applicantName: 'Amadea Petitioner-Quince',
      applicantDateOfBirth: '1990-04-05',
      contact: 'amadea.quince@example.org',
      eventReference: chain.asn,
      grounds: 'Arrested in error at Quincetown fair.',
    };
    const decided = await services.retention.applyForDeletion(null, details);
    await services.retention.matchApplication(officer, decided.id, chain.asn);
    await services.retention.decideApplication(officer, decided.id, {
      decision: 'REFUSED',
      reasons: 'Refused: the Quincetown investigation continues.',
    });
    const never = await services.retention.applyForDeletion(null, {
      ...details,
      applicantName: 'Unmatched Quincey-Applicant',
      eventReference: personChain(899).asn, // an arrest LEDS does not hold
    });
    const needles = ['Amadea', 'Quincey-Applicant', 'amadea.quince@example.org', 'Quincetown'];
    assert.ok((await inTables(needles)).length > 0);
    const keep = services.config.retention.applicationKeepMonths;
    const figuresBefore = await services.retention.figures();

    // The day before the months run out, the sweep keeps them; from that day, it erases them.
    assert.equal(keep, 12, 'the documented default');
    clock.set('2027-10-31T12:00:00Z');
    let report = await services.retention.sweep(operator());
    assert.equal(report.applicationsErased, 0);
    clock.set('2027-11-01T12:00:00Z');
    report = await services.retention.sweep(operator());
    assert.equal(report.applicationsErased, 2);
    assert.deepEqual(await inTables(needles), [], 'erased from every table');
    assert.deepEqual(await onDisk(needles), [], `and from the files (scrub: ${JSON.stringify(report.scrub)})`);
    const [row] = await queryRows<Record<string, unknown>>(
      handle.db,
      sql`SELECT status, reference, applicant_name, contact, grounds, decision_reasons,
                 personal_details_erased_on::text AS erased FROM deletion_applications WHERE id = ${decided.id}::uuid`,
    );
    assert.deepEqual(row, {
      status: 'REFUSED',
      reference: decided.reference,
      applicant_name: null,
      contact: null,
      grounds: null,
      decision_reasons: null,
      erased: '2027-11-01',
    });
    const { lapsed, overdue: _overdue, ...after } = (await services.retention.figures()).applications;
    const { lapsed: lapsedBefore, overdue: _before, ...before } = figuresBefore.applications;
    assert.deepEqual(after, before, 'the published figures still count both');
    assert.deepEqual([lapsedBefore, lapsed], [0, 1], 'the one never matched has lapsed');
    const entries = await queryRows<{ entry: string }>(
      handle.db,
      sql`SELECT entry FROM audit_entries WHERE action = 'retention.destroy' AND entry LIKE ${`%${never.id}%`}`,
    );
    assert.equal(entries.length, 1, 'each erasure is audited');
    assert.match(entries[0]?.entry ?? '', /RDP_APPLICATION/);
    await assertAuditLogVerifies(services);
    clock.set('2026-11-01T12:00:00Z');
  });

  it('an auditor with an open case sees a deleted record: tombstones, legal basis, notices, trail and the content from the vault; an officer sees nothing', async () => {
    const [tombstone] = await queryRows<{ record_id: string; person_id: string }>(
      handle.db,
      sql`SELECT record_id, person_id FROM record_tombstones WHERE source_record_id = 'T801-P'`,
    );
    assert.ok(tombstone, 'the first test deleted person T801');
    const auditors = await services.access.createOrganisation({
      code: 'GONEAUD',
      name: 'Auditors',
      kind: 'OVERSIGHT_BODY',
    });
    const user = await services.access.createUser({
      organisationCode: 'GONEAUD',
      username: 'gone.auditor',
      displayName: 'Gone Auditor',
      roles: ['AUDITOR'],
    });
    const auditor: RequestContext = {
      actor: { kind: 'user', id: user.id, name: 'Gone Auditor' },
      organisation: { id: auditors.id, code: auditors.code, kind: auditors.kind },
      roles: ['AUDITOR'],
      purpose: undefined,
      caseReference: undefined,
      correlationId: 'gone-auditor',
    };
    const opened = await services.oversight.openCase(auditor, 'complaint about a deletion, ref GONE/1');
    const inCase = { ...auditor, purpose: 'AUDIT', caseReference: opened.reference };
    const view = await services.oversight.deletedRecord(inCase, tombstone.record_id);
    assert.equal(view.personId, tombstone.person_id);
    const person = view.tombstones.find((t) => t.recordId === tombstone.record_id);
    assert.equal(person?.ruleId, 'REVIEW_DISPOSAL');
    assert.match(person?.legalBasis?.citation ?? '', /PIRM/);
    assert.equal(person?.authorisedBy, 'test gone');
    assert.ok(view.notices.length >= 1 && view.notices.every((n) => n.acknowledgedAt === null));
    assert.equal(view.content.state, 'kept');
    assert.match(JSON.stringify(view.content.rows), /Quillfeatherby/, 'the content as it was, from the vault');
    assert.ok(view.trail.some((e) => e.kind === 'RECORD_DELETED'));
    const [opening] = await queryRows<{ n: number }>(
      handle.db,
      sql`SELECT count(*)::int AS n FROM audit_entries WHERE kind = 'DELETED_RECORD_VIEWED' AND actor_id = ${user.id}`,
    );
    assert.equal(opening?.n, 1, 'opening it is audited');
    const [entry] = await queryRows<{ entry: string }>(
      handle.db,
      sql`SELECT entry FROM audit_entries WHERE kind = 'DELETED_RECORD_VIEWED' AND actor_id = ${user.id}`,
    );
    const returned = (JSON.parse(entry?.entry ?? '{}') as { details?: { entriesReturned?: number[] } }).details;
    assert.deepEqual(
      returned?.entriesReturned,
      view.trail.map((e) => e.seq),
      'with the trail entries it showed',
    );
    // Without a case, and for anyone not an auditor, nothing.
    await assert.rejects(
      services.oversight.deletedRecord(auditor, tombstone.record_id),
      (e: LedsError) => e.code === 'AUDIT_CASE_REQUIRED',
    );
    await assert.rejects(
      services.oversight.deletedRecord({ ...officer, roles: ['OFFICER'], purpose: 'AUDIT' }, tombstone.record_id),
      (e: LedsError) => e.code === 'ACCESS_DENIED',
    );
    await assert.rejects(
      services.oversight.deletedRecord(inCase, '00000000-0000-4000-8000-000000000801'),
      (e: LedsError) => e.code === 'AUDIT_DELETED_RECORD_NOT_FOUND',
    );
  });

  it('a person searched for and then deleted: what was searched for is in no entry, no table, no file', async () => {
    const chain = personChain(803, { surname: 'Vellacottian', outcome: 'CONVICTED' });
    await services.ingest.ingestBatch(force, 'GONE-CUSTODY', ndjson(chain.records));
    const reader = { ...force, roles: ['SYSTEM_READ' as const], purpose: 'INVESTIGATION' };
    const [found] = await services.records.searchPeople(reader, { surname: 'Vellacottian', forename: 'Test' });
    await services.records.searchPeople(reader, { pncId: chain.pncId });
    assert.ok(found);
    const [person] = await queryRows<{ record_id: string }>(
      handle.db,
      sql`SELECT record_id FROM source_records WHERE source_record_id = 'T803-P'`,
    );
    await services.retention.recordReview(officer, {
      itemId: person?.record_id as string,
      outcome: 'DISPOSE',
      reason: 'No policing purpose remains (MoPI review).',
    });
    const needles = ['Vellacottian', 'VELLACOTTIAN', 'vellacottian', chain.pncId];
    assert.deepEqual(await inTables(needles), [], 'the search entries name the criteria given, not their values');
    assert.deepEqual(await onDisk(needles), []);
    await assertAuditLogVerifies(services);
  });

  it("keeps the vault's keys wrapped by a key outside the database: a clear one is wrapped at start, and a destroyed one leaves no byte in the files", async () => {
    const clearKey = Buffer.from('0123456789abcdef0123456789abcdef');
    await handle.db.execute(
      sql`INSERT INTO audit_vault_keys (period, key, created_at) VALUES ('2019-01', ${clearKey}, now())`,
    );
    assert.equal(await services.audit.wrapClearVaultKeys(), 1);
    const rows = await queryRows<{ period: string; key: Uint8Array | null; wrapped_key: Uint8Array | null }>(
      handle.db,
      sql`SELECT period, key, wrapped_key FROM audit_vault_keys`,
    );
    assert.ok(rows.length >= 2 && rows.every((r) => r.key === null && r.wrapped_key !== null), 'none in clear');
    const keys = rows.map((r) =>
      services.auditLog.periodKey({ period: r.period, key: null, wrappedKey: r.wrapped_key }),
    );
    assert.ok(keys[rows.findIndex((r) => r.period === '2019-01')]?.equals(clearKey), 'the old key, now wrapped');
    assert.deepEqual(await onDisk(keys as Buffer[]), [], 'no vault key in clear in any file');
    // Three years and a month on, the vault sweep destroys the months past retention: their wrapped keys go too.
    clock.set('2030-01-01T00:00:00Z');
    let destroyed: string[];
    try {
      destroyed = (await services.audit.destroyExpiredVaultContent(operatorContext('JOB', 'test:vault'))).periods;
    } finally {
      clock.set('2026-11-01T12:00:00Z');
    }
    assert.ok(destroyed.includes('2019-01') && destroyed.includes('2026-11'));
    const wrapped = rows
      .filter((r) => destroyed.includes(r.period))
      .map((r) => Buffer.from(r.wrapped_key as Uint8Array));
    assert.deepEqual(await onDisk(wrapped), [], 'no wrapped key of a destroyed month in any file');
  });
});
