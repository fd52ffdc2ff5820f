import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.ts';
import type { LedsError } from '../src/platform/errors.ts';
import { operatorContext, type RequestContext, type Role } from '../src/platform/request-context.ts';
import { queryRows } from '../src/storage/database.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { ledsIn } from './support/cli.ts';
import { ndjson, personChain, pngBytes } from './support/records.ts';
import { startTestServices, type TestServices } from './support/services.ts';

// Retention end to end: Appendix A scenarios T22 to T24 (the rest are engine tests beside the engine), deletion
// that leaves no trace, notices to forces, and instruments refused when the law does not allow them.

let services: TestServices;
let force: RequestContext;
let officer: RequestContext;

/** Every table (the audit log aside, which keeps entries by law) and every blob, searched for any of the needles. */
async function traces(needles: string[], imageBytes?: Buffer): Promise<string[]> {
  const found: string[] = [];
  const tables = await queryRows<{ table_name: string }>(
    services.database.db,
    sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
        AND table_name NOT LIKE 'audit\\_%' AND table_name NOT LIKE '\\_\\_drizzle%'`,
  );
  assert.ok(tables.length > 20, 'the scan must see the whole schema');
  for (const { table_name } of tables) {
    const rows = await queryRows<{ row: string }>(
      services.database.db,
      sql.raw(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`),
    );
    for (const { row } of rows) {
      for (const needle of needles) if (row.includes(needle)) found.push(`${table_name}: ${needle}`);
    }
  }
  const blobs = path.join(services.folder, 'blobs');
  const walk = async (folder: string): Promise<string[]> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    const files: string[] = [];
    for (const e of entries) {
      const full = path.join(folder, e.name);
      if (e.isDirectory()) files.push(...(await walk(full)));
      else files.push(full);
    }
    return files;
  };
  for (const file of await walk(blobs)) {
    const bytes = await readFile(file);
    if (imageBytes && bytes.equals(imageBytes)) found.push(`blob ${file}`);
    for (const needle of needles) if (path.basename(file).includes(needle)) found.push(`blob name ${file}`);
  }
  return found;
}

async function count(table: string, where: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    services.database.db,
    sql.raw(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`),
  );
  return row?.n ?? 0;
}

/** A person arrested for assault with a custody image and fingerprints, ending with the given outcome. */
function assaultChain(n: number, outcome: string, options: { qualifying?: boolean; disposedOn?: string } = {}) {
  const chain = personChain(n, { outcome, surname: `Retentia${n}` });
  const records = chain.records.filter((r) => r.kind !== 'court-case' && r.kind !== 'missing-person-report');
  for (const r of records) {
    if (r.kind === 'disposal') {
      delete r.courtCaseSourceRecordId;
      r.disposedOn = options.disposedOn ?? '2026-10-20';
    }
    if (r.kind === 'charge')
      (r.offences as Record<string, unknown>[])[0] = {
        ...(r.offences as Record<string, unknown>[])[0],
        title: 'Assault',
        qualifying: options.qualifying ?? false,
      };
  }
  return { ...chain, records };
}

async function decisionOf(itemId: string) {
  const [row] = await queryRows<{ rule_id: string; action: string; due_on: string | null }>(
    services.database.db,
    sql`SELECT rule_id, action, due_on::text FROM retention_decisions WHERE item_id = ${itemId}::uuid`,
  );
  return row;
}

async function idOf(sourceRecordId: string): Promise<string> {
  const [row] = await queryRows<{ record_id: string }>(
    services.database.db,
    sql`SELECT record_id FROM source_records WHERE source_record_id = ${sourceRecordId}`,
  );
  assert.ok(row, `no record ${sourceRecordId}`);
  return row.record_id;
}

/** Makes a user of an organisation, signs them in and returns the session cookie. */
async function signedIn(
  app: Awaited<ReturnType<typeof buildApp>>,
  organisationCode: string,
  username: string,
  roles: Role[],
): Promise<string> {
  await services.access.createUser({
    organisationCode,
    username,
    displayName: username,
    password: 'correct horse battery staple',
    roles,
  });
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    payload: { username, password: 'correct horse battery staple', next: '/retention' },
  });
  return String(response.headers['set-cookie']).split(';')[0] as string;
}

before(async () => {
  services = await startTestServices({}, {});
  force = await services.actingFor('RET01', ['SYSTEM_INGEST', 'ADMINISTRATOR']);
  officer = await services.actingFor('RET01', ['RETENTION_OFFICER'], 'DATA_QUALITY');
});
after(() => services.close());

describe('retention and deletion', () => {
  it('a "not guilty" disposal arriving by ingest deletes the custody image and prints everywhere, with a tombstone, a notice and an audit entry', async () => {
    const chain = assaultChain(501, 'CONVICTED');
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records.filter((r) => r.kind !== 'disposal')));
    const imageId = await idOf('T501-I');
    const printsId = await idOf('T501-F');
    assert.equal((await decisionOf(imageId))?.rule_id, 'C9');
    assert.equal((await decisionOf(imageId))?.action, 'KEEP');
    const [image] = await queryRows<{ content_sha256: string }>(
      services.database.db,
      sql`SELECT content_sha256 FROM custody_images WHERE id = ${imageId}::uuid`,
    );
    const sha = image?.content_sha256 as string;
    assert.equal((await traces([sha], pngBytes(501))).length > 0, true, 'the scan finds the image while it is held');

    const disposal = chain.records.find((r) => r.kind === 'disposal') as Record<string, unknown>;
    const report = await services.ingest.ingestBatch(
      force,
      'RET-CUSTODY',
      ndjson([{ ...disposal, outcome: 'ACQUITTED' }]),
    );
    assert.equal(report.createdCount, 1);

    assert.deepEqual(
      await traces([sha, 'ID1-T-501'], pngBytes(501)),
      [],
      'no trace of the image or the prints reference',
    );
    assert.equal(await count('custody_images', `id = '${imageId}'`), 0);
    assert.equal(await count('biometric_references', `id = '${printsId}'`), 0);
    assert.equal(
      await count('record_tombstones', `record_id = '${imageId}' AND rule_id = 'C9' AND audit_seq IS NOT NULL`),
      1,
    );
    assert.equal(await count('record_tombstones', `record_id = '${printsId}' AND rule_id = 'B2'`), 1);
    assert.equal(
      await count(
        'deletion_notices',
        `record_id = '${imageId}' AND owning_organisation_id = '${force.organisation.id}'`,
      ),
      1,
    );
    for (const id of [imageId, printsId]) {
      const held = await count(
        'record_tombstones t JOIN audit_entries a ON a.seq = t.audit_seq',
        `t.record_id = '${id}' AND a.kind = 'RECORD_DELETED'`,
      );
      assert.equal(held, 1, 'the tombstone names the audit entry that holds the content for auditors');
    }
    // The person and the conviction-free event stay: only what the rules say goes, goes.
    assert.equal(await count('people', `person_id = '${await idOf('T501-P')}'`), 1);

    // The force fetches its notices, acknowledges one; the same image sent again is refused.
    const pending = await services.retention.noticesFor(force);
    const notice = pending.find((n) => n.recordId === imageId);
    assert.ok(notice);
    assert.equal(notice.sourceRecordId, 'T501-I');
    const acknowledged = await services.retention.acknowledgeNotice(force, notice.id);
    assert.ok(acknowledged.acknowledgedAt);
    assert.equal(
      (await services.retention.noticesFor(force)).some((n) => n.id === notice.id),
      false,
    );
    const again = await services.ingest.ingestBatch(
      force,
      'RET-CUSTODY',
      ndjson([chain.records.find((r) => r.kind === 'custody-image')]),
    );
    assert.equal(again.rejectedCount, 1);
    const [line] = await services.ingest.batchLines(force, again.batchId, { offset: 0, limit: 1 });
    assert.match(line?.problems[0]?.message ?? '', /deleted under retention rule C9/);
  });

  it("T22: a conviction disregarded on the Secretary of State's direction is deleted, and the biometrics then follow the unconvicted rules", async () => {
    const chain = assaultChain(502, 'CONVICTED');
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
    const printsId = await idOf('T502-F');
    assert.equal((await decisionOf(printsId))?.rule_id, 'B6');
    const disposalId = await idOf('T502-D');
    await assert.rejects(
      services.retention.disregardConviction(officer, disposalId, ' '),
      (e: LedsError) => e.code === 'RETENTION_REASON_REQUIRED',
    );
    await services.retention.disregardConviction(
      officer,
      disposalId,
      'Direction of the Secretary of State ref DIS/2026/17',
    );
    assert.equal(await count('disposals', `id = '${disposalId}'`), 0);
    assert.equal(await count('record_tombstones', `record_id = '${disposalId}' AND rule_id = 'P8'`), 1);
    assert.equal(
      await count('biometric_references', `id = '${printsId}'`),
      0,
      'minor offence, now unconvicted: destroyed (B2)',
    );
    assert.equal(await count('record_tombstones', `record_id = '${printsId}' AND rule_id = 'B2'`), 1);
  });

  it('T23: adult arrested for assault, NFA, applies to delete the custody image with no exceptional reason: deleted from LEDS and a notice sent to the force', async () => {
    services.config.retention.imageGraceDays = 60; // the force's window to act before automatic deletion
    try {
      const chain = assaultChain(503, 'NO_FURTHER_ACTION');
      await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
      const imageId = await idOf('T503-I');
      assert.deepEqual(await decisionOf(imageId), { rule_id: 'C9', action: 'DESTROY', due_on: '2026-12-19' });
      const application = await services.retention.applyForDeletion(null, {
        applicantName: 'Testina Retentia',
        applicantDateOfBirth: '1990-04-06',
        contact: 'testina@example.org',
        eventReference: chain.asn,
        grounds: 'No further action was taken; I want my photograph deleted.',
      });
      // The public form matches nothing itself (it must not tell anyone whether an arrest exists): staff match it,
      // and the desk marks it as naming an arrest the force holds.
      assert.equal(application.status, 'UNMATCHED');
      assert.equal(application.targetDate, '2026-11-29');
      const desk = await services.retention.overview(officer);
      assert.equal(desk.applications.find((a) => a.id === application.id)?.namesOwnForcesArrest, true);
      await services.retention.matchApplication(officer, application.id, chain.asn);
      const personId = await idOf('T503-P');
      assert.equal((await decisionOf(personId))?.rule_id, 'C6', 'the whole record is put before a reviewer');
      // The application asks about the photograph: the image is granted on the presumption of deletion, which
      // needs no ground; the event (the PNC entry) is kept, and the application says so item by item.
      const decided = await services.retention.decideApplication(officer, application.id, {
        decision: 'REFUSED',
        reasons: 'The arrest record is kept under MoPI review.',
        items: [
          {
            itemId: imageId,
            decision: 'GRANTED',
            reason: 'No policing purpose requires the image; no exceptional reason.',
          },
        ],
      });
      assert.equal(decided.status, 'PARTLY_GRANTED');
      const image = decided.items.find((i) => i.itemId === imageId);
      assert.deepEqual([image?.decision, image?.outcome, image?.deletedUnder], ['GRANTED', 'DELETED', 'C1']);
      const event = decided.items.find((i) => i.itemKind === 'EVENT');
      assert.deepEqual([event?.decision, event?.outcome], ['REFUSED', 'KEPT']);
      assert.equal(await count('custody_images', `id = '${imageId}'`), 0);
      assert.equal(await count('record_tombstones', `record_id = '${imageId}' AND rule_id = 'C1'`), 1);
      assert.equal(
        await count(
          'deletion_notices',
          `record_id = '${imageId}' AND owning_organisation_id = '${force.organisation.id}'`,
        ),
        1,
      );
      const told = await services.retention.recordApplicantTold(officer, application.id);
      assert.equal(told.applicantToldOn, '2026-11-01');
      assert.deepEqual(await traces([], pngBytes(503)), []);
    } finally {
      services.config.retention.imageGraceDays = 0;
    }
  });

  it('T24: the chief officer records a policing purpose and an exceptional reason: the image is kept, the decision and reasons stored, the applicant told', async () => {
    services.config.retention.imageGraceDays = 60;
    try {
      const chain = assaultChain(504, 'NO_FURTHER_ACTION');
      await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
      const imageId = await idOf('T504-I');
      const application = await services.retention.applyForDeletion(officer, {
        applicantName: 'Testina Retentia',
        applicantDateOfBirth: '1990-04-07',
        contact: '1 Sample Street, Exampleton',
        eventReference: chain.asn,
        grounds: 'Never charged.',
      });
      await assert.rejects(
        services.retention.decideApplication(officer, application.id, { decision: 'REFUSED', reasons: 'Needed.' }),
        (e: LedsError) =>
          e.code === 'RETENTION_REASON_REQUIRED' && e.fieldProblems.some((p) => p.field === 'exceptionalReason'),
      );
      const decided = await services.retention.decideApplication(officer, application.id, {
        decision: 'REFUSED',
        reasons: 'The image is needed for an ongoing linked investigation.',
        policingPurpose: 'Identification in operation KESTREL',
        exceptionalReason: 'Victim identification depends on this image',
      });
      assert.equal(decided.status, 'REFUSED');
      assert.equal(decided.exceptionalReason, 'Victim identification depends on this image');
      // An action answers where the application stands, not who applied: that is read (and audited) only by
      // viewing the application.
      for (const field of ['applicantName', 'applicantDateOfBirth', 'contact', 'grounds'])
        assert.equal(field in decided, false, field);
      assert.equal(
        (await services.retention.applicationFor(officer, application.id)).applicantName,
        'Testina Retentia',
      );
      assert.equal(await count('custody_images', `id = '${imageId}'`), 1);
      assert.deepEqual(await decisionOf(imageId), { rule_id: 'C1', action: 'REVIEW', due_on: '2029-11-01' });
      assert.equal(
        (await services.retention.recordApplicantTold(officer, application.id)).applicantToldOn,
        '2026-11-01',
      );
      // The applicant appeals; upheld, the image goes.
      await services.retention.appeal(officer, application.id, { grounds: 'The investigation has closed.' });
      const upheld = await services.retention.appeal(officer, application.id, {
        outcome: 'UPHELD',
        reasons: 'Operation closed.',
        items: [imageId],
      });
      assert.equal(await count('custody_images', `id = '${imageId}'`), 0);
      assert.equal(upheld.status, 'PARTLY_GRANTED', 'the event stays refused');
      assert.equal(upheld.items.find((i) => i.itemId === imageId)?.outcome, 'DELETED');
    } finally {
      services.config.retention.imageGraceDays = 0;
    }
  });

  it('a reviewer disposing of a person record deletes every row, search key and image of that person, leaving tombstones', async () => {
    const chain = personChain(505, { surname: 'Vanishwell', outcome: 'CONVICTED' });
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
    const personId = await idOf('T505-P');
    const needles = ['Vanishwell', 'VANISHWELL', chain.pncId, chain.croNumber, 'ID1-T-505', 'EX/2024/505'];
    assert.ok((await traces(needles)).length > 0);
    await assert.rejects(
      services.retention.recordReview(officer, { itemId: personId, outcome: 'DISPOSE', reason: '' }),
      (e: LedsError) => e.code === 'RETENTION_REASON_REQUIRED',
    );
    await services.retention.recordReview(officer, {
      itemId: personId,
      outcome: 'DISPOSE',
      reason: 'No policing purpose remains (MoPI review).',
    });
    assert.deepEqual(await traces(needles, pngBytes(505)), []);
    assert.ok((await count('record_tombstones', `person_id = '${personId}' AND rule_id = 'REVIEW_DISPOSAL'`)) >= 8);
    assert.ok((await count('deletion_notices', `person_id = '${personId}'`)) >= 8);
    const csv = (await services.retention.noticesFor(force)).filter((n) => n.sourceRecordId.startsWith('T505-'));
    assert.ok(csv.length >= 8);
    // A notice names the force's own record, never the LEDS person it was part of (who may be hidden from it).
    assert.ok(csv.every((n) => !('personId' in n)));
    assert.match(
      (await import('../src/modules/retention/index.ts')).RetentionService.noticesCsv(csv),
      /^notice_id,source_system,source_record_id,.*\r\n.*,RET-CUSTODY,T505-/s,
    );
  });

  it('an event disposed of on review waits for its retained fingerprints, then goes with all that hangs from it', async () => {
    const chain = assaultChain(509, 'CONVICTED');
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
    const arrestId = await idOf('T509-A');
    const printsId = await idOf('T509-F');
    await services.retention.recordReview(officer, { itemId: arrestId, outcome: 'DISPOSE', reason: 'No purpose.' });
    assert.equal(await count('arrests', `id = '${arrestId}'`), 1, 'the prints are kept under B6, so the event stays');
    assert.equal((await decisionOf(arrestId))?.action, 'KEEP');
    await services.retention.recordReview(officer, { itemId: printsId, outcome: 'DISPOSE', reason: 'Reviewed.' });
    for (const table of ['arrests', 'biometric_references', 'custody_images', 'disposals', 'charges'])
      assert.equal(
        await count(table, table === 'arrests' ? `id = '${arrestId}'` : `arrest_id = '${arrestId}'`),
        0,
        table,
      );
    assert.equal(await count('record_tombstones', `record_id = '${arrestId}' AND rule_id = 'REVIEW_DISPOSAL'`), 1);
  });

  it('refuses instruments the law does not allow: an out-of-window extension (T05) and an NSD beyond the maximum (T19)', async () => {
    const chain = assaultChain(506, 'ACQUITTED', { qualifying: true, disposedOn: '2026-10-01' });
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
    const printsId = await idOf('T506-F');
    assert.deepEqual(await decisionOf(printsId), { rule_id: 'B4', action: 'DESTROY', due_on: '2027-03-01' });
    const extension = {
      itemId: printsId,
      kind: 'DISTRICT_JUDGE_EXTENSION' as const,
      madeOn: '2026-11-01',
      madeBy: 'District Judge Example',
      evidence: 'Order 123',
    };
    await assert.rejects(
      services.retention.recordInstrument(officer, { ...extension, appliedOn: '2026-10-15' }),
      (e: LedsError) => e.code === 'RETENTION_INSTRUMENT_INVALID' && e.fieldProblems[0]?.field === 'appliedOn',
    );
    await assert.rejects(
      services.retention.recordInstrument(officer, {
        itemId: printsId,
        kind: 'NATIONAL_SECURITY_DETERMINATION',
        madeOn: '2026-11-01',
        until: '2031-11-02',
        madeBy: 'Chief Constable',
        evidence: 'NSD 9',
      }),
      (e: LedsError) => e.code === 'RETENTION_INSTRUMENT_INVALID' && /at most 5 years/.test(e.message),
    );
    await services.retention.recordInstrument(officer, {
      itemId: printsId,
      kind: 'NATIONAL_SECURITY_DETERMINATION',
      madeOn: '2026-11-01',
      until: '2028-11-01',
      madeBy: 'Chief Constable',
      evidence: 'NSD 9',
    });
    assert.deepEqual(await decisionOf(printsId), { rule_id: 'B10', action: 'DESTROY', due_on: '2028-11-01' });
    // The plan for a later date says what would happen, and changes nothing.
    const plan = await services.retention.plan(operatorContext('CLI'), '2028-11-02');
    assert.ok(plan.due.some((d) => d.itemId === printsId && d.action === 'DESTROY'));
    assert.deepEqual(await decisionOf(printsId), { rule_id: 'B10', action: 'DESTROY', due_on: '2028-11-01' });
    // A legal hold on the person stops the destruction when the date comes.
    const personId = await idOf('T506-P');
    const hold = await services.retention.recordInstrument(officer, {
      personId,
      kind: 'LEGAL_HOLD',
      madeOn: '2026-11-01',
      madeBy: 'Force solicitor',
      evidence: 'Civil claim 2026/44',
    });
    services.clock.set('2028-11-02T09:00:00Z');
    try {
      const sweep = await services.retention.sweep(officer);
      assert.ok(sweep.held >= 1);
      assert.equal(await count('biometric_references', `id = '${printsId}'`), 1);
      await services.retention.endInstrument(officer, hold.id, '2028-11-02', 'Claim settled');
      assert.equal(await count('biometric_references', `id = '${printsId}'`), 0);
    } finally {
      services.clock.set('2026-11-01T12:00:00Z');
    }
  });

  it('serves the public form, the figures, the rules, and a force its notices as JSON and CSV over the API; the officer pages render', async () => {
    const app = await buildApp(services, { logger: false });
    try {
      const bad = await app.inject({
        method: 'POST',
        url: '/apply-for-deletion',
        payload: { applicantName: 'Sam', eventReference: 'nonsense' },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /govuk-error-summary/);
      assert.match(bad.body, /eventReference/);
      const chain = assaultChain(507, 'CONVICTED');
      await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
      const good = await app.inject({
        method: 'POST',
        url: '/apply-for-deletion',
        payload: {
          applicantName: 'Testina Retentia',
          applicantDateOfBirth: '1990-04-01',
          contact: 'a@example.org',
          eventReference: chain.asn,
          grounds: 'Old matter',
        },
      });
      assert.equal(good.statusCode, 200);
      assert.match(good.body, /data-testid="application-reference">DEL-2026-/);
      const apiBad = await app.inject({
        method: 'POST',
        url: '/api/v1/deletion-applications',
        payload: { applicantName: 'x' },
      });
      assert.equal(apiBad.statusCode, 400);
      assert.equal(apiBad.headers['content-type'], 'application/problem+json; charset=utf-8');
      const figures = await app.inject({ method: 'GET', url: '/transparency/retention' });
      assert.equal(figures.statusCode, 200);
      assert.match(figures.body, /data-testid="images-held"/);
      assert.match(figures.body, /C9/);
      // Each rule shows its sources, and an unverified one says so beside it.
      const c3Row =
        figures.body.match(
          /<tr[^>]*>\s*<th[^>]*>C3<\/th>[\s\S]*?<\/tr>|<tr[^>]*>\s*<td[^>]*>C3<\/td>[\s\S]*?<\/tr>/,
        )?.[0] ?? '';
      assert.match(c3Row, /Unverified/);
      assert.match(c3Row, /href="https:\/\/www\.gov\.uk\/government\/publications\/custody-images-review/);
      assert.match(figures.body, /Police Information and Records Management \(PIRM\) Code/);
      const figuresJson = (await app.inject({ method: 'GET', url: '/api/v1/transparency/retention' })).json();
      assert.ok(figuresJson.applications.received >= 3);
      assert.ok(figuresJson.deletionsByMonth.some((r: { rule_id: string }) => r.rule_id === 'C9'));
      const rules = (await app.inject({ method: 'GET', url: '/api/v1/retention/rules' })).json();
      assert.ok(
        ['B1', 'B15', 'C1', 'C9', 'MOPI1', 'P1', 'GAUGHRAN'].every((id) =>
          rules.rules.some((r: { id: string }) => r.id === id),
        ),
      );

      const { key } = await services.access.createApiKey({
        organisationCode: 'RET01',
        name: 'custody system',
        roles: ['SYSTEM_INGEST'],
      });
      const notices = await app.inject({
        method: 'GET',
        url: '/api/v1/deletion-notices',
        headers: { 'x-api-key': key },
      });
      assert.equal(notices.statusCode, 200);
      const pending = notices.json().notices as { id: string; sourceRecordId: string }[];
      assert.ok(pending.length > 0);
      assert.ok(!notices.body.includes('personId'), 'no notice names the LEDS person');
      const csv = await app.inject({
        method: 'GET',
        url: '/api/v1/deletion-notices.csv',
        headers: { 'x-api-key': key },
      });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.equal(csv.body.trimEnd().split('\r\n').length, pending.length + 1);
      const ack = await app.inject({
        method: 'POST',
        url: `/api/v1/deletion-notices/${pending[0]?.id}/acknowledgement`,
        headers: { 'x-api-key': key },
      });
      assert.equal(ack.statusCode, 200);
      assert.ok(ack.json().acknowledgedAt);
      const other = await services.actingFor('RET03', ['SYSTEM_INGEST']);
      const otherKey = (
        await services.access.createApiKey({
          organisationCode: other.organisation.code,
          name: 'x',
          roles: ['SYSTEM_INGEST'],
        })
      ).key;
      const notMine = await app.inject({
        method: 'POST',
        url: `/api/v1/deletion-notices/${pending[1]?.id ?? pending[0]?.id}/acknowledgement`,
        headers: { 'x-api-key': otherKey },
      });
      assert.equal(notMine.statusCode, 404, "a force cannot acknowledge another force's notice");

      const cookie = await signedIn(app, 'RET01', 'ret.officer', ['RETENTION_OFFICER']);
      const desk = await app.inject({ method: 'GET', url: '/retention', headers: { cookie } });
      assert.equal(desk.statusCode, 200);
      assert.match(desk.body, /data-testid="applications"/);
      assert.match(desk.body, /DEL-2026-/);
      const applicationId = desk.body.match(/href="\/retention\/applications\/([0-9a-f-]{36})"/)?.[1];
      assert.ok(applicationId);
      const applicationPage = await app.inject({
        method: 'GET',
        url: `/retention/applications/${applicationId}`,
        headers: { cookie },
      });
      assert.equal(applicationPage.statusCode, 200);
      assert.equal((await count('audit_entries', `kind = 'DELETION_APPLICATION_VIEWED'`)) >= 1, true);
      const constable = await signedIn(app, 'RET01', 'ret.constable', ['OFFICER']);
      const refused = await app.inject({
        method: 'GET',
        url: `/retention/applications/${applicationId}`,
        headers: { cookie: constable },
      });
      assert.equal(refused.statusCode, 403, 'only the deciding officer reads an application');
      assert.doesNotMatch(refused.body, /Testina Retentia/);
      await app.inject({
        method: 'POST',
        url: '/purpose',
        headers: { cookie },
        payload: { purpose: 'DATA_QUALITY', caseReference: 'RR/1', next: '/retention' },
      });
      const personId = await idOf('T507-P');
      const person = await app.inject({ method: 'GET', url: `/retention/people/${personId}`, headers: { cookie } });
      assert.equal(person.statusCode, 200);
      assert.match(person.body, /data-testid="retention-items"/);
      assert.match(person.body, /C6/, 'the application put the whole record before a reviewer');
      const keep = await app.inject({
        method: 'POST',
        url: `/retention/people/${personId}/reviews`,
        headers: { cookie },
        payload: { itemId: personId, outcome: 'KEEP', reason: '' },
      });
      assert.equal(keep.statusCode, 400);
      assert.match(keep.body, /reason/);
      assert.equal(
        (await count(
          'audit_entries',
          `kind = 'RETENTION_DECISIONS_VIEWED' AND subject_ids @> ARRAY['${personId}']::uuid[]`,
        )) >= 1,
        true,
      );
    } finally {
      await app.close();
    }
  });
});

describe('retention is decided by the force that owns the item', () => {
  it("lets a retention officer act only on their own force's items, shows a shared record to each owner, and routes an unmatched application to whichever force finds the arrest", async () => {
    const chain = assaultChain(510, 'CONVICTED');
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
    const personId = await idOf('T510-P');
    const ownImage = await idOf('T510-I');
    // A second force arrests the same person (found by PNC ID) and takes its own custody image.
    const other = await services.actingFor('RET02', ['SYSTEM_INGEST']);
    const otherAsn = personChain(9510).asn;
    const second = await services.ingest.ingestBatch(
      other,
      'RET02-CUSTODY',
      ndjson([
        {
          kind: 'arrest',
          sourceRecordId: 'R2-510-A',
          person: { pncId: chain.pncId },
          asn: otherAsn,
          eventType: 'ARREST',
          occurredAt: '2026-09-01T10:00:00Z',
          location: 'Market Square, Otherton',
          fingerprintStatus: 'CONFIRMED',
          offenceSummary: 'Criminal damage',
        },
        {
          kind: 'custody-record',
          sourceRecordId: 'R2-510-R',
          arrest: { sourceRecordId: 'R2-510-A' },
          custodyReference: 'OT/2026/510',
          station: 'Otherton',
          openedAt: '2026-09-01T10:30:00Z',
        },
        {
          kind: 'custody-image',
          sourceRecordId: 'R2-510-I',
          custodyRecordSourceRecordId: 'R2-510-R',
          takenAt: '2026-09-01T11:00:00Z',
          mediaType: 'image/png',
          contentBase64: pngBytes(9510).toString('base64'),
        },
      ]),
    );
    assert.equal(second.rejectedCount, 0);
    const otherImage = await idOf('R2-510-I');
    const ownerOf = async (itemId: string) =>
      (
        await queryRows<{ owner: string }>(
          services.database.db,
          sql`SELECT owning_organisation_id AS owner FROM retention_decisions WHERE item_id = ${itemId}::uuid`,
        )
      )[0]?.owner;
    assert.equal(await ownerOf(ownImage), force.organisation.id);
    assert.equal(await ownerOf(otherImage), other.organisation.id, "each item is its supplier's to decide");
    assert.equal(await ownerOf(personId), force.organisation.id);

    const otherOfficer = await services.actingFor('RET02', ['RETENTION_OFFICER'], 'DATA_QUALITY');
    // Another force's item answers exactly as an unknown one (issue 11 item 6), and the refusal is audited.
    const notFound = { code: 'RETENTION_ITEM_NOT_FOUND' };
    await assert.rejects(
      services.retention.recordReview(otherOfficer, { itemId: ownImage, outcome: 'DISPOSE', reason: 'Mine now?' }),
      notFound,
    );
    await assert.rejects(
      services.retention.recordInstrument(otherOfficer, {
        kind: 'LEGAL_HOLD',
        personId,
        madeOn: '2026-11-01',
        madeBy: 'RET02 solicitor',
        evidence: 'Claim',
      }),
      notFound,
      "a hold on the whole person is the person record's owner's",
    );
    const hold = await services.retention.recordInstrument(otherOfficer, {
      kind: 'LEGAL_HOLD',
      itemId: otherImage,
      madeOn: '2026-11-01',
      madeBy: 'RET02 solicitor',
      evidence: 'Civil claim OT-510',
    });
    await assert.rejects(
      services.retention.endInstrument(officer, hold.id, '2026-11-01', 'Not ours to lift, but try'),
      { code: 'RETENTION_INSTRUMENT_NOT_FOUND' },
    );
    assert.equal(await count('custody_images', `id = '${ownImage}'`), 1, 'a refused disposal deletes nothing');

    // Each owner sees the whole record's retention, and may act on its own items only.
    const seenByOther = await services.retention.personRetention(otherOfficer, personId);
    const mayDecide = new Map(seenByOther.decisions.map((d) => [d.itemId, d.mayDecide]));
    assert.equal(mayDecide.get(otherImage), true);
    assert.equal(mayDecide.get(ownImage), false);
    assert.equal(seenByOther.mayHoldPerson, false);
    assert.equal((await services.retention.personRetention(officer, personId)).mayHoldPerson, true);
    const stranger = await services.actingFor('RET03', ['RETENTION_OFFICER'], 'DATA_QUALITY');
    await assert.rejects(services.retention.personRetention(stranger, personId), notFound);
    await assert.rejects(services.retention.personRetention(stranger, '00000000-0000-4000-8000-000000000000'), {
      code: 'RETENTION_ITEM_NOT_FOUND',
      message: 'LEDS holds no retention for person `00000000-0000-4000-8000-000000000000`',
    });

    // The desk and the plan show a force only what it owns.
    const desk = await services.retention.overview(otherOfficer);
    assert.ok(desk.holds.some((h) => h.id === hold.id));
    for (const row of [...desk.due, ...desk.holds])
      assert.equal(row.owningOrganisationId, other.organisation.id, 'the desk lists only its own force');
    assert.equal(
      (await services.retention.overview(officer)).holds.some((h) => h.id === hold.id),
      false,
    );
    const everything = await services.retention.plan(operatorContext('CLI'), '2040-01-01', { listLimit: 100_000 });
    const itsPart = await services.retention.planFor(otherOfficer, '2040-01-01', { listLimit: 100_000 });
    assert.ok(itsPart.items > 0 && itsPart.items < everything.items);
    assert.ok(
      everything.due.some((d) => d.itemId === personId),
      "the first force's record comes up by 2040",
    );
    assert.ok(!itsPart.due.some((d) => d.itemId === personId), "but not in the second force's plan");
    assert.equal(
      await count(
        'audit_entries',
        `kind = 'RETENTION_DECISIONS_VIEWED' AND action = 'retention.plan' AND organisation_id = '${other.organisation.id}'`,
      ),
      1,
      'a plan names people: it is audited like the desk',
    );

    // An application naming the first force's arrest is that force's to decide.
    const applicant = {
      applicantName: 'Testina Retentia',
      applicantDateOfBirth: '1990-04-02',
      contact: 't@example.org',
      grounds: 'Old matter',
    };
    const named = await services.retention.applyForDeletion(null, { ...applicant, eventReference: chain.asn });
    await services.retention.matchApplication(officer, named.id, chain.asn);
    const noApplication = { code: 'RETENTION_APPLICATION_NOT_FOUND' };
    await assert.rejects(services.retention.applicationFor(otherOfficer, named.id), noApplication);
    await assert.rejects(
      services.retention.decideApplication(otherOfficer, named.id, { decision: 'GRANTED', reasons: 'Not mine' }),
      noApplication,
    );
    assert.equal((await services.retention.applicationFor(officer, named.id)).status, 'RECEIVED');

    // An unmatched one is any police force's to match; once matched it belongs to the arrest's force.
    const unmatched = await services.retention.applyForDeletion(null, {
      ...applicant,
      eventReference: personChain(9511).asn,
    });
    assert.ok((await services.retention.overview(otherOfficer)).applications.some((a) => a.id === unmatched.id));
    const { key } = await services.access.createApiKey({
      organisationCode: 'RET02',
      name: 'retention desk',
      roles: ['RETENTION_OFFICER'],
    });
    const app = await buildApp(services, { logger: false });
    try {
      const api = (method: 'GET' | 'POST', url: string, payload?: Record<string, string>) =>
        app.inject({ method, url, headers: { 'x-api-key': key }, payload });
      assert.equal((await api('GET', `/api/v1/deletion-applications/${unmatched.id}`)).statusCode, 200);
      const matched = await api('POST', `/api/v1/deletion-applications/${unmatched.id}/match`, {
        eventReference: chain.asn,
      });
      assert.equal(matched.statusCode, 200);
      assert.equal(matched.json().owningOrganisationId, force.organisation.id);
      const gone = await api('GET', `/api/v1/deletion-applications/${unmatched.id}`);
      assert.equal(gone.statusCode, 404, 'matched to another force, it has left this desk');
      assert.equal(gone.headers['content-type'], 'application/problem+json; charset=utf-8');
      const plan = await api('GET', '/api/v1/retention/plan?asOf=2040-01-01');
      assert.equal(plan.statusCode, 200);
      assert.equal(plan.json().items, itsPart.items);
      const constable = (
        await services.access.createApiKey({ organisationCode: 'RET02', name: 'constable', roles: ['OFFICER'] })
      ).key;
      const refusedPlan = await app.inject({
        method: 'GET',
        url: '/api/v1/retention/plan?asOf=2040-01-01',
        headers: { 'x-api-key': constable },
      });
      assert.equal(refusedPlan.statusCode, 403);

      // The page: the other force's items are listed with their owner, without the forms to act on them.
      const cookie = await signedIn(app, 'RET02', 'ret.other.officer', ['RETENTION_OFFICER']);
      await app.inject({
        method: 'POST',
        url: '/purpose',
        headers: { cookie },
        payload: { purpose: 'DATA_QUALITY', caseReference: 'RR/510', next: '/retention' },
      });
      const page = await app.inject({ method: 'GET', url: `/retention/people/${personId}`, headers: { cookie } });
      assert.equal(page.statusCode, 200);
      assert.ok(/<td[^>]*>RET01<\/td>/.test(page.body) && /<td[^>]*>RET02<\/td>/.test(page.body), 'owners shown');
      assert.ok(new RegExp(`<option value="${otherImage}"`).test(page.body), 'its own item can be held');
      assert.ok(!new RegExp(`<option value="${ownImage}"`).test(page.body), "the other force's item cannot");
      assert.ok(!/The whole record/.test(page.body), 'nor can the whole person');
    } finally {
      await app.close();
    }
  });
});

describe("a protected identity's retention (issue 11 item 6)", () => {
  it('is seen only by an owning force officer with the named role; every other caller gets the unknown-id answer', async () => {
    const chain = assaultChain(520, 'CONVICTED');
    const [person, ...rest] = chain.records;
    const batch = await services.ingest.ingestBatch(
      force,
      'RET-CUSTODY',
      ndjson([{ ...person, protectedIdentity: true }, ...rest]),
    );
    assert.equal(batch.rejectedCount, 0);
    const personId = await idOf('T520-P');
    const imageId = await idOf('T520-I');
    await services.retention.reevaluate(operatorContext('JOB'), [personId]);
    const unknown = '00000000-0000-4000-8000-000000000520';
    const sameAsUnknown = async (call: (id: string) => Promise<unknown>, real: string, missing: string) => {
      const [seen, none] = await Promise.all(
        [real, missing].map((id) =>
          call(id).then(
            () => undefined,
            (e: LedsError) => e,
          ),
        ),
      );
      assert.ok(seen && none, 'both refused');
      assert.equal(seen.code, none.code);
      assert.equal(seen.message.replace(real, '…'), none.message.replace(missing, '…'));
      assert.deepEqual(seen.fieldProblems, none.fieldProblems);
    };
    // The owning force's officer without the role: as if the person did not exist, for each way in.
    await sameAsUnknown((id) => services.retention.personRetention(officer, id), personId, unknown);
    await sameAsUnknown(
      (id) => services.retention.recordReview(officer, { itemId: id, outcome: 'KEEP', reason: 'Needed' }),
      imageId,
      unknown,
    );
    await sameAsUnknown(
      (id) =>
        services.retention.recordInstrument(officer, {
          kind: 'LEGAL_HOLD',
          personId: id,
          madeOn: '2026-11-01',
          madeBy: 'Force solicitor',
          evidence: 'Claim',
        }),
      personId,
      unknown,
    );
    const desk = await services.retention.overview(officer);
    assert.ok(![...desk.due, ...desk.holds].some((row) => row.personId === personId));
    const plan = await services.retention.planFor(officer, '2040-01-01', { listLimit: 100_000 });
    assert.ok(!plan.due.some((d) => d.personId === personId));
    // The named role at the owning force sees it, and its desk counts what it is shown.
    const handler = await services.actingFor('RET01', ['RETENTION_OFFICER', 'PROTECTED_IDENTITY'], 'DATA_QUALITY');
    assert.ok((await services.retention.personRetention(handler, personId)).decisions.length > 0);
    const fullPlan = await services.retention.planFor(handler, '2040-01-01', { listLimit: 100_000 });
    assert.ok(fullPlan.due.some((d) => d.personId === personId));
    assert.ok(fullPlan.items > plan.items);
    // Another force's officer, even with the role, gets the unknown-id answer too.
    const otherForce = await services.actingFor('RET05', ['RETENTION_OFFICER', 'PROTECTED_IDENTITY'], 'DATA_QUALITY');
    await sameAsUnknown((id) => services.retention.personRetention(otherForce, id), personId, unknown);
    // Over the API and on the page, the same answer as for an unknown id.
    const app = await buildApp(services, { logger: false });
    try {
      const { key } = await services.access.createApiKey({
        organisationCode: 'RET01',
        name: 'retention desk 520',
        roles: ['RETENTION_OFFICER'],
      });
      const get = (id: string) =>
        app.inject({
          method: 'GET',
          url: `/api/v1/retention/people/${id}`,
          headers: { 'x-api-key': key, 'x-leds-purpose': 'DATA_QUALITY' },
        });
      const [seen, none] = [await get(personId), await get(unknown)];
      assert.equal(seen.statusCode, 404);
      assert.equal(seen.json().detail.replace(personId, '…'), none.json().detail.replace(unknown, '…'));
      const cookie = await signedIn(app, 'RET01', 'ret.plain.520', ['RETENTION_OFFICER']);
      await app.inject({
        method: 'POST',
        url: '/purpose',
        headers: { cookie },
        payload: { purpose: 'DATA_QUALITY', next: '/retention' },
      });
      const page = async (id: string) =>
        app.inject({ method: 'GET', url: `/retention/people/${id}`, headers: { cookie } });
      const [seenPage, nonePage] = [await page(personId), await page(unknown)];
      assert.equal(seenPage.statusCode, nonePage.statusCode);
      assert.equal(seenPage.statusCode, 404);
      assert.ok(!seenPage.body.includes('Retentia520'));
    } finally {
      await app.close();
    }
    assert.ok(
      (await count('audit_entries', `kind = 'ACCESS_REFUSED' AND '${personId}' = ANY(subject_ids)`)) >= 3,
      'each refusal is audited with its real reason',
    );
  });
});

describe("a deleted protected identity's retention stays hidden", () => {
  it('hides its tombstones and notices from officers without the named role, yet the force system gets every notice', async () => {
    const chain = assaultChain(521, 'CONVICTED');
    const [person, ...rest] = chain.records;
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson([{ ...person, protectedIdentity: true }, ...rest]));
    const personId = await idOf('T521-P');
    const handler = await services.actingFor('RET01', ['RETENTION_OFFICER', 'PROTECTED_IDENTITY'], 'DATA_QUALITY');
    await services.retention.recordReview(handler, {
      itemId: personId,
      outcome: 'DISPOSE',
      reason: 'No policing purpose remains.',
    });
    assert.equal(await count('people', `person_id = '${personId}'`), 0, 'the person is gone');
    assert.ok((await count('record_tombstones', `person_id = '${personId}' AND protected_identity`)) >= 8);
    // A person at the force, without the role: no notice of theirs, no retention view, as for an unknown id.
    const plain: RequestContext = { ...officer, actor: { kind: 'user', id: 'user-521', name: 'plain officer' } };
    const theirs = <T extends { sourceRecordId: string }>(notices: T[]) =>
      notices.filter((n) => n.sourceRecordId.startsWith('T521-'));
    assert.deepEqual(theirs(await services.retention.noticesFor(plain, { status: 'ALL' })), []);
    await assert.rejects(
      services.retention.personRetention(plain, personId),
      (e: LedsError) => e.code === 'RETENTION_ITEM_NOT_FOUND',
    );
    const withRole: RequestContext = { ...handler, actor: { kind: 'user', id: 'user-521b', name: 'handler' } };
    const seen = theirs(await services.retention.noticesFor(withRole, { status: 'ALL' }));
    assert.ok(seen.length >= 8, 'the named role sees them');
    const forceSystem: RequestContext = { ...force, roles: ['SYSTEM_INGEST'] };
    assert.equal(
      theirs(await services.retention.noticesFor(forceSystem, { status: 'ALL' })).length,
      seen.length,
      'and so does the force system',
    );
    // A key that also holds a person's role could read the desk too: it is treated as that person.
    const officerKey: RequestContext = { ...officer, roles: ['RETENTION_OFFICER', 'SYSTEM_READ'] };
    assert.deepEqual(theirs(await services.retention.noticesFor(officerKey, { status: 'ALL' })), []);
    const hidden = seen[0] as (typeof seen)[number];
    await assert.rejects(
      services.retention.acknowledgeNotice(plain, hidden.id),
      (e: LedsError) => e.code === 'RETENTION_NOTICE_NOT_FOUND',
    );
  });
});

describe('staff entry over the API', () => {
  it('answers someone who may not decide the application with its reference and date only, whether or not the force holds the arrest', async () => {
    const chain = assaultChain(522, 'NO_FURTHER_ACTION');
    await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
    const app = await buildApp(services, { logger: false });
    try {
      const { key } = await services.access.createApiKey({
        organisationCode: 'RET01',
        name: 'front counter 522',
        roles: ['OFFICER'],
      });
      const enter = (eventReference: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/deletion-applications/staff-entry',
          headers: { 'x-api-key': key },
          payload: {
            applicantName: 'Counter Applicant',
            applicantDateOfBirth: '1990-04-05',
            contact: 'counter@example.org',
            eventReference,
            grounds: 'Asked at the front counter.',
          },
        });
      const [held, notHeld] = [await enter(chain.asn), await enter(personChain(898).asn)];
      assert.equal(held.statusCode, 201);
      assert.equal(notHeld.statusCode, 201);
      assert.deepEqual(Object.keys(held.json()).sort(), ['next', 'reference', 'targetDate']);
      assert.deepEqual(Object.keys(notHeld.json()).sort(), Object.keys(held.json()).sort());
    } finally {
      await app.close();
    }
  });
});

describe('the retention sweep across processes', () => {
  it('runs one sweep at a time: a second is refused while the first holds the lease, an expired lease is taken over, and the lease is let go after', async () => {
    const by = await services.actingFor('RET01', ['SYSTEM_INGEST']);
    // The second sweep starts once the first holds the lease (after its first batch): started side by side on a
    // connection pool, either could take the lease first.
    let second: Promise<void> | undefined;
    const first = services.retention.sweep(by, {
      batchSize: 1,
      onProgress: () => {
        second ??= assert.rejects(
          services.retention.sweep(by),
          (e: LedsError) => e.code === 'RETENTION_SWEEP_RUNNING' && /already running/.test(e.message),
        );
      },
    });
    const report = await first;
    assert.ok(second, 'the second sweep was started while the first ran');
    await second;
    assert.ok(report.people > 1, 'the first sweep went on over several batches');
    assert.equal(await count('job_leases', `job = 'retention-sweep'`), 0, 'the lease is let go');
    // A sweep whose process died leaves its lease; once it has run out, the next sweep takes it over.
    await services.database.db.execute(
      sql`INSERT INTO job_leases (job, holder, expires_at) VALUES ('retention-sweep', 'gone:1:dead', now() - interval '1 second')`,
    );
    assert.ok((await services.retention.sweep(by)).people > 0);
    await services.database.db.execute(
      sql`INSERT INTO job_leases (job, holder, expires_at) VALUES ('retention-sweep', 'other:2:live', now() + interval '1 hour')`,
    );
    try {
      await assert.rejects(services.retention.sweep(by), (e: LedsError) => /other:2:live/.test(e.message));
    } finally {
      await services.database.db.execute(sql`DELETE FROM job_leases WHERE job = 'retention-sweep'`);
    }
  });

  it('stops at a batch boundary when asked, and says so', async () => {
    const by = await services.actingFor('RET01', ['SYSTEM_INGEST']);
    const stop = new AbortController();
    const report = await services.retention.sweep(by, {
      batchSize: 1,
      stop: stop.signal,
      onProgress: () => stop.abort(),
    });
    assert.equal(report.people, 1);
    assert.equal(report.stoppedEarly, true);
    assert.equal(await count('job_leases', `job = 'retention-sweep'`), 0);
  });
});

describe('retention staff pages', () => {
  it('enters an application for a person, matches it, refuses it with reasons, records the appeal, and records and ends a hold', async () => {
    services.config.retention.imageGraceDays = 60;
    const app = await buildApp(services, { logger: false });
    try {
      const chain = assaultChain(508, 'NO_FURTHER_ACTION');
      await services.ingest.ingestBatch(force, 'RET-CUSTODY', ndjson(chain.records));
      const imageId = await idOf('T508-I');
      const personId = await idOf('T508-P');
      const cookie = await signedIn(app, 'RET01', 'ret.desk', ['RETENTION_OFFICER']);
      const post = (url: string, payload: Record<string, string>) =>
        app.inject({ method: 'POST', url, headers: { cookie }, payload });
      const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });

      const desk = await get('/retention');
      assert.match(desk.body, /href="\/retention\/applications\/new"/);
      assert.equal((await get('/retention/applications/new')).statusCode, 200);
      const incomplete = await post('/retention/applications/new', { applicantName: 'Testina Retentia' });
      assert.equal(incomplete.statusCode, 400);
      assert.match(incomplete.body, /href="#eventReference"/);
      const entered = await post('/retention/applications/new', {
        applicantName: 'Testina Retentia',
        applicantDateOfBirth: '1990-04-09',
        contact: 'by letter: 1 Sample Street, Exampleton',
        eventReference: personChain(9508).asn, // a real-looking number LEDS does not hold: the person mistyped it
        grounds: 'No further action was taken.',
      });
      assert.equal(entered.statusCode, 302);
      const applicationUrl = entered.headers.location as string;
      assert.match(applicationUrl, /^\/retention\/applications\/[0-9a-f-]{36}$/);
      const applicationId = applicationUrl.split('/').pop() as string;
      const unmatched = await get(applicationUrl);
      assert.match(unmatched.body, /Unmatched/);
      assert.match(unmatched.body, /Match the application/);

      const wrong = await post(`${applicationUrl}/match`, { eventReference: personChain(9509).asn });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /no arrest or event with this number/);
      assert.equal((await post(`${applicationUrl}/match`, { eventReference: chain.asn })).statusCode, 302);
      assert.equal((await decisionOf(personId))?.rule_id, 'C6', 'matching puts the whole record before a reviewer');
      assert.equal(
        await count(
          'audit_entries',
          `kind = 'DELETION_APPLICATION_MATCHED' AND subject_ids @> ARRAY['${personId}']::uuid[]`,
        ),
        1,
      );

      const noPurpose = await post(`${applicationUrl}/decision`, { decision: 'REFUSED', reasons: 'Needed.' });
      assert.equal(noPurpose.statusCode, 400);
      assert.match(noPurpose.body, /href="#policingPurpose"/);
      assert.match(noPurpose.body, /Needed\./, 'what the officer typed is kept');
      const refused = await post(`${applicationUrl}/decision`, {
        decision: 'REFUSED',
        reasons: 'Linked to an open investigation.',
        policingPurpose: 'Identification in operation HERON',
        exceptionalReason: 'A witness identification parade is pending',
      });
      assert.equal(refused.statusCode, 302);
      assert.equal(await count('custody_images', `id = '${imageId}'`), 1, 'a refusal keeps the image');
      await post(`${applicationUrl}/applicant-told`, {});
      assert.equal(
        await count(
          'audit_entries',
          `kind = 'DELETION_APPLICANT_TOLD' AND subject_ids @> ARRAY['${personId}']::uuid[]`,
        ),
        1,
      );

      const noGrounds = await post(`${applicationUrl}/appeal`, { grounds: '' });
      assert.equal(noGrounds.statusCode, 400);
      assert.match(noGrounds.body, /href="#grounds"/);
      assert.equal((await post(`${applicationUrl}/appeal`, { grounds: 'The parade was held.' })).statusCode, 302);
      const lodged = await get(applicationUrl);
      assert.match(lodged.body, /Lodged, lodged 2026-11-01: The parade was held\./);
      assert.match(lodged.body, /Record the appeal outcome/);
      await post(`${applicationUrl}/appeal`, { outcome: 'DISMISSED', reasons: 'The witness may yet be recalled.' });
      const dismissed = await services.retention.applicationFor(officer, applicationId);
      assert.equal(dismissed.appealStatus, 'DISMISSED');
      assert.equal(await count('custody_images', `id = '${imageId}'`), 1);

      // A legal hold on the whole record, recorded and ended from the person's retention page.
      await post('/purpose', { purpose: 'DATA_QUALITY', caseReference: 'RR/2', next: '/retention' });
      const page = await get(`/retention/people/${personId}`);
      assert.match(page.body, /data-testid="instrument-form"/);
      const noEvidence = await post(`/retention/people/${personId}/instruments`, {
        kind: 'LEGAL_HOLD',
        itemId: '',
        madeOn: '2026-11-01',
        madeBy: 'Force solicitor',
        evidence: '',
      });
      assert.equal(noEvidence.statusCode, 400);
      assert.match(noEvidence.body, /href="#evidence"/);
      const badDj = await post(`/retention/people/${personId}/instruments`, {
        kind: 'DISTRICT_JUDGE_EXTENSION',
        itemId: imageId,
        madeOn: '2026-11-01',
        madeBy: 'DJ Example',
        evidence: 'Order 123',
      });
      assert.equal(badDj.statusCode, 400, 'a District Judge does not extend a custody image');
      assert.equal(
        (
          await post(`/retention/people/${personId}/instruments`, {
            kind: 'LEGAL_HOLD',
            itemId: '',
            madeOn: '2026-11-01',
            madeBy: 'Force solicitor',
            evidence: 'Civil claim CL-2026-77: preserve all records',
          })
        ).statusCode,
        302,
      );
      const held = await get(`/retention/people/${personId}`);
      assert.match(held.body, /data-testid="instruments"/);
      assert.match(held.body, /Civil claim CL-2026-77/);
      assert.ok(/Legal hold/.test(held.body), 'the hold is listed with its evidence');
      assert.ok(/data-testid="holds"[\s\S]*Legal hold/.test((await get('/retention')).body), 'the desk lists the hold');
      const [hold] = await queryRows<{ id: string }>(
        services.database.db,
        sql`SELECT id FROM retention_instruments WHERE person_id = ${personId}::uuid AND kind = 'LEGAL_HOLD'`,
      );
      assert.ok(hold);
      const noReason = await post(`/retention/people/${personId}/instruments/${hold.id}/end`, { reason: '' });
      assert.equal(noReason.statusCode, 400);
      await post(`/retention/people/${personId}/instruments/${hold.id}/end`, { reason: 'Claim settled.' });
      assert.equal(await count('retention_instruments', `id = '${hold.id}' AND ended_on IS NOT NULL`), 1);
      const endButtons = (body: string) => body.match(/End it today/g)?.length ?? 0;
      assert.equal(
        endButtons((await get(`/retention/people/${personId}`)).body),
        endButtons(held.body) - 1,
        'the hold is ended; the exceptional retention of the refusal stays',
      );
    } finally {
      services.config.retention.imageGraceDays = 0;
      await app.close();
    }
  });

  it("shows a force its own deletion notices to delete locally, takes acknowledgements, downloads them as CSV, and refuses other organisations' users", async () => {
    const app = await buildApp(services, { logger: false });
    try {
      const cookie = await signedIn(app, 'RET01', 'ret.admin', ['ADMINISTRATOR']);
      const pending = await app.inject({ method: 'GET', url: '/deletion-notices', headers: { cookie } });
      assert.equal(pending.statusCode, 200);
      assert.match(pending.body, /data-testid="deletion-notices"/);
      const noticeId = pending.body.match(/action="\/deletion-notices\/([0-9a-f-]{36})\/acknowledgement/)?.[1];
      assert.ok(noticeId, 'the force has notices waiting');
      const csv = await app.inject({ method: 'GET', url: '/deletion-notices.csv', headers: { cookie } });
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.body, new RegExp(noticeId));
      const ack = await app.inject({
        method: 'POST',
        url: `/deletion-notices/${noticeId}/acknowledgement?status=PENDING`,
        headers: { cookie },
      });
      assert.equal(ack.statusCode, 302);
      assert.equal(await count('deletion_notices', `id = '${noticeId}' AND acknowledged_by IS NOT NULL`), 1);
      const after = await app.inject({ method: 'GET', url: '/deletion-notices', headers: { cookie } });
      assert.doesNotMatch(after.body, new RegExp(noticeId));
      const acknowledged = await app.inject({
        method: 'GET',
        url: '/deletion-notices?status=ACKNOWLEDGED',
        headers: { cookie },
      });
      assert.match(acknowledged.body, /Acknowledged .* by ret.admin/);

      await services.actingFor('AGENCY-RET', ['INVESTIGATOR']);
      const agency = await signedIn(app, 'AGENCY-RET', 'ret.agency', ['ADMINISTRATOR']);
      const refused = await app.inject({ method: 'GET', url: '/deletion-notices', headers: { cookie: agency } });
      assert.equal(refused.statusCode, 403, 'deletion notices go to police forces only');
    } finally {
      await app.close();
    }
  });
});

describe('leds retention (command line)', () => {
  it('prints the rule set, plans for a date without changing anything, records and lifts a hold, and refuses bad dates with a non-zero exit', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const folder = await mkdtemp(path.join(tmpdir(), 'leds-retention-cli-'));
    const leds = ledsIn(folder);
    try {
      const rules = leds('retention', 'rules');
      assert.equal(rules.status, 0, rules.stderr);
      assert.match(rules.stdout, /^B4 +Charged with a qualifying offence/m);
      assert.match(rules.stdout, /PACE s63F\(4\)/);
      assert.match(rules.stdout, /NSD at most 5 years/);
      assert.match(rules.stdout, /^C3 [\s\S]*?\n {15}Unverified: the source text could not be read/m);
      assert.match(rules.stdout, /^ {2}S24 +Home Office, Custody images: review of their use and retention/m);
      const plan = leds('retention', 'plan', '--as-of', '2030-01-01');
      assert.equal(plan.status, 0, plan.stderr);
      assert.match(plan.stdout, /retention plan as of 2030-01-01 .*nothing changed/);
      const bad = leds('retention', 'plan', '--as-of', 'someday');
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /--as-of: YYYY-MM-DD/);

      // A legal hold recorded and lifted from the command line, on a seeded person.
      // The hold is made by the force that owns the person record: the plan names that force's items.
      assert.equal(leds('seed', '--people', '10').status, 0);
      const far = leds('retention', 'plan', '--as-of', '2200-01-01', '--organisation', 'MPS');
      assert.match(far.stdout, /retention plan as of 2200-01-01 for MPS/);
      const itemsIn = (out: string) => Number(out.match(/^\d+ people, (\d+) items/m)?.[1]);
      assert.ok(
        itemsIn(far.stdout) < itemsIn(leds('retention', 'plan', '--as-of', '2200-01-01').stdout),
        'one force owns only part of what is held',
      );
      assert.equal(leds('retention', 'plan', '--as-of', '2200-01-01', '--organisation', 'NOPE').status, 1);
      // By 2200 every seeded person is past 100, and those whose fingerprints are kept (B6) wait on them: their
      // records come up for review well before, under the periodic review of P1.
      const sooner = leds('retention', 'plan', '--as-of', '2045-01-01', '--organisation', 'MPS');
      const personId = sooner.stdout.match(/^ {2}(?:DESTROY|REVIEW)\t\S+\t\S+\tPERSON_RECORD\t([0-9a-f-]{36})/m)?.[1];
      assert.ok(personId, `a person record comes up by 2045:\n${sooner.stdout}`);
      const hold = (...extra: string[]) =>
        leds(
          'retention',
          'instrument',
          '--organisation',
          'MPS',
          '--kind',
          'LEGAL_HOLD',
          '--person',
          personId,
          '--made-by',
          'Force solicitor',
          '--evidence',
          'Civil claim CL-2026-90',
          ...extra,
        );
      const impossible = hold('--made-on', '2026-02-30');
      assert.equal(impossible.status, 1);
      assert.match(impossible.stderr, /madeOn: must be a date/);
      const held = hold('--made-on', '2026-11-01');
      assert.equal(held.status, 0, held.stderr);
      const holdId = held.stdout.match(/^recorded LEGAL_HOLD ([0-9a-f-]{36}) for person /)?.[1];
      assert.ok(holdId, held.stdout);
      const noReason = leds('retention', 'end-instrument', holdId, '--organisation', 'MPS', '--reason', ' ');
      assert.equal(noReason.status, 1);
      const lifted = leds('retention', 'end-instrument', holdId, '--organisation', 'MPS', '--reason', 'Settled');
      assert.equal(lifted.status, 0, lifted.stderr);
      assert.match(lifted.stdout, new RegExp(`^ended ${holdId} on \\d{4}-\\d{2}-\\d{2}`));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('the audit log this file wrote', () => {
  it('verifies after every deletion above', async () => {
    await assertAuditLogVerifies(services);
  });
});
