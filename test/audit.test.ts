import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import stringify from 'safe-stable-stringify';
import { buildApp } from '../src/app.ts';
import { auditEntries } from '../src/modules/audit/audit.tables.ts';
import { type AuditDraft, AuditLog } from '../src/modules/audit/audit-log.ts';
import { type AuditEntryBody, CheckpointVerifier, verifyAuditLog } from '../src/modules/audit/index.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../src/modules/audit/merkle.ts';
import { VaultKeyFile } from '../src/modules/audit/vault-key-wrapping.ts';
import { LedsError } from '../src/platform/errors.ts';
import type { RequestContext } from '../src/platform/request-context.ts';
import { queryRows } from '../src/storage/database.ts';
import { asDatabaseOwner, testDatabaseKind } from './support/database.ts';
import { ndjson, personChain } from './support/records.ts';
import { givePoliceAgreement, startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
let readKey: string;
let officer: RequestContext;
let auditor: RequestContext;
let personId: string;
const chain = personChain(300, { surname: 'Hollowell' });

const b64 = (s: string) => Buffer.from(s, 'base64');
const entriesFor = (correlationId: string) =>
  services.database.db.select().from(auditEntries).where(eq(auditEntries.correlationId, correlationId));
const bodyOf = (row: { entry: string }) => JSON.parse(row.entry) as AuditEntryBody;

/** The trigger (both databases) or the role's rights (PostgreSQL) refused a change to the audit log. */
const refusedChange = (error: unknown) =>
  /append-only|permission denied/.test(
    `${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message}`,
  );

async function verifyLog() {
  await services.audit.signCheckpoint();
  assert.equal(services.audit.checkpointStatus?.refused, undefined, 'the log passes the check before signing');
  const report = await verifyAuditLog(
    services.database.db,
    new CheckpointVerifier(services.audit.verifierKey),
    services.config.audit.origin,
  );
  assert.deepEqual(report.problems, [], 'the audit log verifies');
  return report;
}

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  const force = await services.access.createOrganisation({ code: 'AUDF', name: 'Audit Force', kind: 'POLICE_FORCE' });
  await givePoliceAgreement(services, 'AUDF');
  const ingestKey = (
    await services.access.createApiKey({ organisationCode: 'AUDF', name: 'custody', roles: ['SYSTEM_INGEST'] })
  ).key;
  readKey = (await services.access.createApiKey({ organisationCode: 'AUDF', name: 'search', roles: ['SYSTEM_READ'] }))
    .key;
  const ingest = await app.inject({
    method: 'POST',
    url: '/api/v1/ingest-batches?sourceSystem=AUD-CUSTODY',
    headers: { 'x-api-key': ingestKey, 'content-type': 'application/x-ndjson' },
    payload: ndjson(chain.records).join('\n'),
  });
  assert.equal(ingest.statusCode, 201, ingest.body);
  const oversight = await services.access.createOrganisation({
    code: 'AUDITORS',
    name: 'Audit unit',
    kind: 'OVERSIGHT_BODY',
  });
  const auditorUser = await services.access.createUser({
    organisationCode: 'AUDITORS',
    username: 'test.auditor',
    displayName: 'Ada Auditor',
    roles: ['AUDITOR'],
  });
  const officerUser = await services.access.createUser({
    organisationCode: 'AUDF',
    username: 'test.hollowell',
    displayName: 'Pat Hollowell',
    roles: ['OFFICER'],
    homePostcode: 'EX1 1AA',
  });
  officer = {
    actor: { kind: 'user', id: officerUser.id, name: officerUser.username },
    organisation: { id: force.id, code: force.code, kind: force.kind },
    roles: ['OFFICER'],
    purpose: 'INVESTIGATION',
    caseReference: 'OP-ALPHA',
    correlationId: 'officer-setup',
    channel: 'WEB',
  };
  auditor = {
    actor: { kind: 'user', id: auditorUser.id, name: auditorUser.username },
    organisation: { id: oversight.id, code: oversight.code, kind: oversight.kind },
    roles: ['AUDITOR'],
    purpose: undefined,
    caseReference: undefined,
    correlationId: 'auditor-setup',
  };
  const [found] = await services.records.searchPeople(officer, { pncId: chain.pncId });
  personId = found?.personId as string;
});

after(async () => {
  await app.close();
  await services.close();
});

describe('what is recorded', () => {
  it('records a person view with who, organisation, purpose, case, subject and the hash of exactly what was returned', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: {
        'x-api-key': readKey,
        'x-leds-purpose': 'INVESTIGATION',
        'x-leds-case-reference': 'OP-VIEW-1',
        'x-correlation-id': 'corr-view-00001',
      },
    });
    assert.equal(response.statusCode, 200);
    const [row] = await entriesFor('corr-view-00001');
    assert.ok(row, 'the view has an audit entry');
    const body = bodyOf(row);
    assert.equal(body.kind, 'PERSON_VIEWED');
    assert.equal(body.outcome, 'ALLOWED');
    assert.equal(body.purpose, 'INVESTIGATION');
    assert.equal(body.caseReference, 'OP-VIEW-1');
    assert.equal(body.organisation?.code, 'AUDF');
    assert.equal(body.channel, 'API');
    assert.deepEqual(body.subjects, [personId]);
    assert.ok(body.reasons.length > 0, 'the decision reasons are kept');
    // What the vault keeps is what the API sent, and the entry pins its hash.
    const kept = (await services.auditLog.shownContent(row.seq)) as Buffer;
    assert.deepEqual(JSON.parse(kept.toString('utf8')), response.json());
    assert.equal(createHash('sha256').update(kept).digest('hex'), body.shown?.sha256);
  });

  it('records a search with the criteria it was given, by name, and the ids it returned; the values sealed in the vault', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/people?surname=Hollowell&forename=Testina`,
      headers: { 'x-api-key': readKey, 'x-leds-purpose': 'INVESTIGATION', 'x-correlation-id': 'corr-search-0001' },
    });
    assert.equal(response.statusCode, 200);
    const [row] = await entriesFor('corr-search-0001');
    const body = bodyOf(row as { entry: string });
    assert.equal(body.kind, 'SEARCH_PERFORMED');
    assert.deepEqual(body.details.criteriaGiven, ['forename', 'surname']);
    assert.ok(!(row as { entry: string }).entry.includes('Hollowell'), 'no searched name in the entry itself');
    assert.deepEqual(body.subjects, [personId]);
    const sealed = JSON.parse(((await services.auditLog.shownContent(body.seq)) as Buffer).toString('utf8'));
    assert.deepEqual(sealed.criteria, { surname: 'Hollowell', forename: 'Testina' });
    assert.deepEqual(
      sealed.results.map((p: { personId: string }) => p.personId),
      [personId],
    );
    assert.match(sealed.pepper, /^[A-Za-z0-9_-]{22}$/);
    const [clear] = await queryRows<{ n: number }>(
      services.database.db,
      sql`select count(*)::int as n from audit_vault_keys where key is not null or wrapped_key is null`,
    );
    assert.equal(clear?.n, 0, 'every vault key is wrapped, none in clear');
  });

  it('salts every entry, so that its public leaf hash cannot confirm a guess of what it records', async () => {
    const [row] = await entriesFor('corr-search-0001');
    const body = bodyOf(row as { entry: string });
    assert.match(body.salt ?? '', /^[A-Za-z0-9_-]{22}$/, '128 random bits');
    // Everything but the salt is what the searcher knows or can guess; without the salt the guess hashes otherwise.
    const { salt: _, ...guess } = body;
    assert.notDeepEqual(leafHash(stringify(guess) as string), leafHash((row as { entry: string }).entry));
    // The same search again is another entry with another salt.
    await app.inject({
      method: 'GET',
      url: `/api/v1/people?surname=Hollowell&forename=Testina`,
      headers: { 'x-api-key': readKey, 'x-leds-purpose': 'INVESTIGATION', 'x-correlation-id': 'corr-search-0002' },
    });
    const [again] = await entriesFor('corr-search-0002');
    assert.notEqual(bodyOf(again as { entry: string }).salt, body.salt);
  });

  it('records a denied attempt, with the real reason even where the caller was told "not found"', async () => {
    const noPurpose = await app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: { 'x-api-key': readKey, 'x-correlation-id': 'corr-denied-001' },
    });
    assert.equal(noPurpose.statusCode, 400);
    const [row] = await entriesFor('corr-denied-001');
    const body = bodyOf(row as { entry: string });
    assert.equal(body.kind, 'ACCESS_REFUSED');
    assert.equal(body.outcome, 'DENIED');
    assert.deepEqual(body.reasons, ['ACCESS_PURPOSE_REQUIRED']);
    assert.deepEqual(body.subjects, [personId]);
    assert.equal(body.shown, null);
  });

  it('records every inbound record and the batch in the transaction that stored them', async () => {
    const rows = await services.database.db
      .select()
      .from(auditEntries)
      .where(
        sql`kind in ('RECORD_RECEIVED', 'INGEST_BATCH_RECEIVED') and ${auditEntries.subjectIds} @> array[${personId}]::uuid[] or kind = 'INGEST_BATCH_RECEIVED'`,
      );
    const received = rows.map(bodyOf).filter((b) => b.kind === 'RECORD_RECEIVED');
    assert.equal(received.length, chain.records.length, 'one entry per inbound record');
    assert.ok(
      rows
        .map(bodyOf)
        .some((b) => b.kind === 'INGEST_BATCH_RECEIVED' && b.details.createdCount === chain.records.length),
    );
  });

  it('records changes to organisations, users, keys and agreements', async () => {
    const kinds = new Set(
      (await queryRows<{ kind: string }>(services.database.db, sql`select distinct kind from audit_entries`)).map(
        (r) => r.kind,
      ),
    );
    for (const kind of ['ORGANISATION_CREATED', 'USER_CREATED', 'API_KEY_CREATED', 'AGREEMENT_CREATED'])
      assert.ok(kinds.has(kind), `${kind} is audited`);
  });
});

describe('no audit, no data', () => {
  it('answers 503 with no record content when the audit entry cannot be written, and serves again after', async () => {
    await asDatabaseOwner(services.database, [
      `create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit storage is full'; end $$`,
      'create trigger refuse_audit before insert on audit_entries for each row execute function refuse_audit()',
    ]);
    try {
      const response = await app.inject({
        method: 'GET',
        url: `/api/v1/people/${personId}`,
        headers: { 'x-api-key': readKey, 'x-leds-purpose': 'INVESTIGATION' },
      });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().code, 'AUDIT_UNAVAILABLE');
      assert.ok(!response.body.includes('Hollowell') && !response.body.includes(chain.pncId), 'no record content');
      await assert.rejects(services.records.viewPerson(officer, personId), (e: unknown) => {
        return e instanceof LedsError && e.code === 'AUDIT_UNAVAILABLE';
      });
    } finally {
      await asDatabaseOwner(services.database, [
        'drop trigger refuse_audit on audit_entries',
        'drop function refuse_audit()',
      ]);
    }
    const again = await app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: { 'x-api-key': readKey, 'x-leds-purpose': 'INVESTIGATION' },
    });
    assert.equal(again.statusCode, 200);
    await verifyLog();
  });

  it('commits concurrent reads together (group commit), each with its own entry', async () => {
    const before = { ...services.auditLog.stats };
    const reads = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        services.records.viewPerson({ ...officer, correlationId: `group-${i}` }, personId),
      ),
    );
    assert.equal(reads.length, 40);
    const commits = services.auditLog.stats.commits - before.commits;
    assert.equal(services.auditLog.stats.entries - before.entries, 40);
    assert.ok(commits < 40, `40 reads took ${commits} commits`);
    const rows = await queryRows<{ n: number }>(
      services.database.db,
      sql`select count(*)::int as n from audit_entries where correlation_id like 'group-%'`,
    );
    assert.equal(Number(rows[0]?.n), 40);
  });
});

it('keeps the tree whole when another writer appends to the same log between and among its commits', async () => {
  // A second log over the same database stands for another process: the right edge it keeps is its own.
  const other = new AuditLog(services.database.db, {
    groupCommitMax: 3,
    vaultKeys: VaultKeyFile.open(services.config.audit.vaultKeyFile),
    statements: services.database,
  });
  const draft = (i: number): AuditDraft => ({
    body: {
      v: 1,
      salt: `side-${i}-${Math.random()}`,
      recordedAt: services.clock.now().toISOString(),
      kind: 'PERSON_VIEWED',
      action: 'person.view',
      outcome: 'ALLOWED',
      actor: { kind: 'system', id: 'side', name: 'side by side' },
      organisation: null,
      purpose: 'INVESTIGATION',
      caseReference: null,
      channel: 'API',
      correlationId: `side-${i}`,
      // Nobody the other tests here count the views of.
      subjects: [],
      reasons: [],
      details: {},
      shown: null,
    },
    shownContent: Buffer.from(`shown ${i}`),
  });
  // In turn: the first log's edge is stale once the other has appended, so its batch must be made again.
  const first = await services.auditLog.append(draft(0));
  const second = await other.append(draft(1));
  const third = await services.auditLog.append(draft(2));
  assert.deepEqual([second - first, third - second], [1, 1]);
  // Then all at once, with a change's own transaction among them.
  const seqs = await Promise.all([
    ...Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? services.auditLog : other).append(draft(3 + i))),
    services.database.db.transaction((tx) => services.auditLog.appendWithin(tx as never, [draft(100), draft(101)])),
  ]);
  const all = seqs.flat();
  assert.equal(new Set(all).size, 62, 'every entry has a leaf index of its own');
  // Verified without signing, so that the tests below start from the checkpoint they expect.
  const report = await verifyAuditLog(
    services.database.db,
    new CheckpointVerifier(services.audit.verifierKey),
    services.config.audit.origin,
  );
  assert.deepEqual(report.problems, [], 'the audit log verifies');
});

describe('tamper evidence', () => {
  it('refuses UPDATE and DELETE of audit rows, even by the database owner', async () => {
    await assert.rejects(
      asDatabaseOwner(services.database, ["update audit_entries set actor_name = 'someone else' where seq = 0"]),
      refusedChange,
    );
    await assert.rejects(
      asDatabaseOwner(services.database, ['delete from audit_tree_nodes where level = 0 and node_index = 0']),
      refusedChange,
    );
    await assert.rejects(asDatabaseOwner(services.database, ['truncate audit_checkpoints']), refusedChange);
    await assert.rejects(services.database.db.execute(sql`delete from audit_entries where seq = 0`), refusedChange);
  });

  it('gives the application role only SELECT and INSERT on the audit tables', {
    skip: testDatabaseKind !== 'postgres',
  }, async () => {
    const rights = await queryRows<{ privilege_type: string }>(
      services.database.db,
      sql`select privilege_type from information_schema.role_table_grants where grantee = 'leds_app' and table_name = 'audit_entries' order by 1`,
    );
    assert.deepEqual(
      rights.map((r) => r.privilege_type),
      ['INSERT', 'SELECT'],
    );
    const who = await queryRows<{ current_user: string }>(services.database.db, sql`select current_user`);
    assert.equal(who[0]?.current_user, 'leds_app');
  });

  it('signs checkpoints whose inclusion and consistency proofs, served by the API, verify', async () => {
    const first = await services.audit.signCheckpoint();
    assert.ok(first);
    await services.records.viewPerson({ ...officer, correlationId: 'after-first-checkpoint' }, personId);
    const second = await services.audit.signCheckpoint();
    assert.ok(second && second.treeSize > first.treeSize);
    assert.equal(await services.audit.signCheckpoint(), undefined, 'no new checkpoint for an unchanged log');

    const published = (await app.inject({ method: 'GET', url: '/api/v1/audit/checkpoint' })).json();
    const opened = new CheckpointVerifier(published.verifierKey).open(
      published.checkpoint.note,
      services.config.audit.origin,
    );
    assert.equal(opened.size, second.treeSize);

    const [row] = await entriesFor('after-first-checkpoint');
    const inclusion = (
      await app.inject({ method: 'GET', url: `/api/v1/audit/proofs/inclusion?seq=${row?.seq}&treeSize=${opened.size}` })
    ).json();
    assert.deepEqual(b64(inclusion.leafHash), leafHash((row as { entry: string }).entry));
    verifyInclusion(
      row?.seq as number,
      opened.size,
      b64(inclusion.leafHash),
      inclusion.proof.map(b64),
      opened.rootHash,
    );

    const consistency = (
      await app.inject({
        method: 'GET',
        url: `/api/v1/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`,
      })
    ).json();
    verifyConsistency(first.treeSize, second.treeSize, consistency.proof.map(b64), first.rootHash, opened.rootHash);

    const bad = await app.inject({ method: 'GET', url: `/api/v1/audit/proofs/inclusion?seq=5&treeSize=99999999` });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'AUDIT_TREE_SIZE_INVALID');
    await verifyLog();
  });
});

describe('auditors', () => {
  let caseReference: string;

  it('refuses an auditor who has not opened an audit case, and audits the refusal', async () => {
    await assert.rejects(
      services.oversight.searchEntries(
        { ...auditor, purpose: 'AUDIT', correlationId: 'auditor-no-case' },
        { personId },
      ),
      (e: unknown) => e instanceof LedsError && e.code === 'AUDIT_CASE_REQUIRED',
    );
    await assert.rejects(
      services.oversight.searchEntries({ ...officer, purpose: 'AUDIT', correlationId: 'officer-audit' }, { personId }),
      (e: unknown) => e instanceof LedsError && e.code === 'ACCESS_DENIED',
    );
    const [row] = await entriesFor('auditor-no-case');
    assert.equal(bodyOf(row as { entry: string }).outcome, 'DENIED');
  });

  it('finds who saw a person, and what each was shown, with the entry proof, inside an audit case', async () => {
    const opened = await services.oversight.openCase(auditor, 'complaint 2026/17 about look-ups of a neighbour');
    caseReference = opened.reference;
    const ctx = { ...auditor, purpose: 'AUDIT', caseReference, correlationId: 'auditor-search' };
    const found = await services.oversight.searchEntries(ctx, { personId, kind: 'PERSON_VIEWED' });
    assert.ok(found.length >= 3);
    assert.ok(found.every((e) => e.subjects.includes(personId) && e.kind === 'PERSON_VIEWED'));
    const byUser = await services.oversight.searchEntries(ctx, { actorId: officer.actor.id, purpose: 'INVESTIGATION' });
    assert.ok(byUser.length > 0 && byUser.every((e) => e.actorName === 'test.hollowell'));

    const detail = await services.oversight.entry(ctx, found[0]?.seq as number);
    assert.equal(detail.shown.state, 'kept');
    assert.equal(detail.shown.matchesEntry, true);
    assert.equal((detail.shown.content as { personId: string }).personId, personId);
    verifyInclusion(
      found[0]?.seq as number,
      detail.proof.treeSize,
      b64(detail.leafHash),
      detail.proof.hashes.map(b64),
      b64(detail.proof.rootHash),
    );
    // The auditor's own accesses are audited.
    const own = await entriesFor('auditor-search');
    assert.deepEqual(own.map((r) => r.kind).sort(), ['AUDIT_ENTRY_VIEWED', 'AUDIT_SEARCHED', 'AUDIT_SEARCHED']);
  });

  it('shows the patterns: own surname searched, own postcode viewed, out of hours, repeated refusals', async () => {
    services.clock.set('2026-11-01T23:30:00Z');
    await services.records.searchPeople(
      { ...officer, correlationId: 'late-search' },
      { surname: 'Hollowell', forename: 'Testina' },
    );
    for (let i = 0; i < 5; i += 1)
      await services.records
        .viewPerson({ ...officer, purpose: undefined, correlationId: `refused-${i}` }, personId)
        .catch(() => undefined);
    services.clock.set('2026-11-01T12:00:00Z');
    const ctx = { ...auditor, purpose: 'AUDIT', caseReference, correlationId: 'auditor-patterns' };
    const patterns = await services.oversight.patterns(ctx, { from: '2026-10-01', to: '2026-11-30' });
    assert.ok(patterns.ownNameOrAddress.some((p) => p.match === 'SURNAME' && p.value === 'hollowell'));
    assert.ok(patterns.ownNameOrAddress.some((p) => p.match === 'POSTCODE' && p.actorName === 'test.hollowell'));
    assert.ok(patterns.outOfHours.some((p) => p.actorName === 'test.hollowell'));
    assert.ok(patterns.repeatedDenials.some((p) => p.actorName === 'test.hollowell' && p.denials >= 5));
    assert.ok(patterns.unusualVolumes.every((p) => p.actions >= p.usualPerDay));
  });

  it('destroys what users were shown after the retention period, except under a legal hold, and the log still verifies', async () => {
    const ctx = { ...auditor, purpose: 'AUDIT', caseReference, correlationId: 'auditor-hold' };
    await services.oversight.placeLegalHold(ctx, {
      subjectKind: 'PERSON',
      subjectId: personId,
      reason: 'criminal proceedings about misuse of this record',
    });
    const shownOfOthers = await queryRows<{ seq: string }>(
      services.database.db,
      sql`select c.seq::text as seq from audit_vault_content c join audit_entries e using (seq) where not (e.subject_ids @> array[${personId}]::uuid[])`,
    );
    const held = await services.oversight.searchEntries(ctx, { personId, kind: 'PERSON_VIEWED', limit: 1 });
    services.clock.set('2030-01-01T12:00:00Z');
    try {
      const swept = await services.audit.destroyExpiredVaultContent(ctx);
      assert.deepEqual(swept.periods, ['2026-11']);
      assert.ok(swept.kept > 0);
      for (const { seq } of shownOfOthers)
        assert.equal(await services.auditLog.shownContent(Number(seq)), undefined, `content of ${seq} is destroyed`);
      const stillHeld = await services.oversight.entry(ctx, held[0]?.seq as number);
      assert.equal(stillHeld.shown.state, 'kept');
      assert.equal(stillHeld.shown.matchesEntry, true);
    } finally {
      services.clock.set('2026-11-01T12:00:00Z');
    }
    await services.audit.signCheckpoint();
    await verifyLog();
  });
});

describe('transparency', () => {
  it('publishes monthly counts by organisation type, action and purpose, and no rows', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/transparency/audit' });
    assert.equal(response.statusCode, 200);
    const { monthly, verifierKey, checkpoint } = response.json();
    assert.ok(verifierKey.startsWith(`${services.config.audit.origin}+`));
    assert.ok(checkpoint.note.includes('\n\n\u2014 '));
    const views = monthly.find(
      (f: { month: string; organisationKind: string; action: string; purpose: string }) =>
        f.month === '2026-11' &&
        f.organisationKind === 'POLICE_FORCE' &&
        f.action === 'person.view' &&
        f.purpose === 'INVESTIGATION',
    );
    assert.ok(views.count >= 40);
    assert.ok(!response.body.includes(personId), 'no subject ids');
    assert.ok(!response.body.includes('test.hollowell'), 'no user names');
  });
});
