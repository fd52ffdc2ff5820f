import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { policeForceGrants } from '../src/demo/demo-personas.ts';
import type { LedsError } from '../src/platform/errors.ts';
import { operatorContext, type RequestContext } from '../src/platform/request-context.ts';
import { queryRows } from '../src/storage/database.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { ledsIn } from './support/cli.ts';
import { ndjson, personChain } from './support/records.ts';
import { recordIdOf, startTestServices, type TestServices } from './support/services.ts';

// Issue 13 items 3 and 4 through ingest and the CLI: a child under 10's record is flagged to the owning force and
// queued for disposal unless kept with a policing purpose and regard to the Children Act 2004 s11; a keep says
// why; and `leds retention plan --as-of` changes on the 100th birthday and at the end of a clear period.

let services: TestServices;
let force: RequestContext;
let officer: RequestContext;

/** A person born on `born`, arrested on `arrestedOn`, with no outcome yet (no court case, no disposal). */
function arrestOnly(n: number, born: string, arrestedOn: string) {
  const chain = personChain(n, { surname: `Childe${n}` });
  return chain.records
    .filter((r) => ['person', 'arrest'].includes(r.kind as string))
    .map((r) =>
      r.kind === 'person' ? { ...r, datesOfBirth: [{ date: born }] } : { ...r, occurredAt: `${arrestedOn}T10:00:00Z` },
    );
}

/** The day LEDS first held a person (the database's clock, not the test's), plus the grace days. */
async function graceEnds(sourceRecordId: string, days = 28) {
  const [row] = await queryRows<{ due: string }>(
    services.database.db,
    sql`SELECT (p.created_at::date + ${days}::int)::text AS due FROM people p
        JOIN source_records s ON s.record_id = p.person_id WHERE s.source_record_id = ${sourceRecordId}`,
  );
  return row?.due;
}

async function decisionOf(sourceRecordId: string) {
  const [row] = await queryRows<{ rule_id: string; action: string; due_on: string | null; item_id: string }>(
    services.database.db,
    sql`SELECT d.rule_id, d.action, d.due_on::text, d.item_id FROM retention_decisions d
        JOIN source_records s ON s.record_id = d.item_id WHERE s.source_record_id = ${sourceRecordId}`,
  );
  return row;
}

before(async () => {
  services = await startTestServices();
  force = await services.actingFor('KID01', ['SYSTEM_INGEST', 'ADMINISTRATOR']);
  officer = await services.actingFor('KID01', ['RETENTION_OFFICER'], 'DATA_QUALITY');
});
after(() => services.close());

describe("a child under 10's record (issue 13 item 4)", () => {
  it('is on the force’s desk from the day it arrives and queued for disposal, not review', async () => {
    await services.ingest.ingestBatch(force, 'KID-CUSTODY', ndjson(arrestOnly(701, '2016-03-01', '2024-06-01')));
    const event = await decisionOf('T701-A');
    // 28 days from the day LEDS first held it, not from the 2024 event.
    assert.deepEqual(
      [event?.rule_id, event?.action, event?.due_on],
      ['MOPI_UNDER_10', 'DESTROY', await graceEnds('T701-P')],
    );
    const desk = await services.retention.overview(officer);
    assert.ok(
      desk.due.some((d) => d.itemId === event?.item_id && d.ruleId === 'MOPI_UNDER_10'),
      'flagged to the force',
    );
  });

  it('is kept only with a reason that says why, a policing purpose and regard to the Children Act s11', async () => {
    const event = await decisionOf('T701-A');
    const keep = (extra: Record<string, string>) =>
      services.retention.recordReview(officer, {
        itemId: event?.item_id as string,
        outcome: 'KEEP',
        reason: 'Needed',
        ...extra,
      });
    const fields = async (extra: Record<string, string>) =>
      keep(extra).then(
        () => assert.fail('kept'),
        (e: LedsError) => e.fieldProblems.map((p) => p.field),
      );
    assert.deepEqual(await fields({}), ['reason', 'policingPurpose', 'childrenActRegard']);
    assert.deepEqual(await fields({ reason: 'keep keep keep keep' }), [
      'reason',
      'policingPurpose',
      'childrenActRegard',
    ]);
    assert.deepEqual(await fields({ reason: 'The child is a witness in an open safeguarding investigation.' }), [
      'policingPurpose',
      'childrenActRegard',
    ]);
    await keep({
      reason: 'The child is a witness in an open safeguarding investigation.',
      policingPurpose: 'Safeguarding: operation WREN',
      childrenActRegard: 'Kept to protect the child; shared with children’s services only',
    });
    const after = await decisionOf('T701-A');
    assert.notEqual(after?.rule_id, 'MOPI_UNDER_10', 'kept: it now follows its own rules');
  });

  it('goes when its date comes with nobody having kept it', async () => {
    await services.ingest.ingestBatch(force, 'KID-CUSTODY', ndjson(arrestOnly(702, '2017-01-01', '2025-01-01')));
    const due = (await decisionOf('T702-A'))?.due_on as string;
    assert.equal(due, await graceEnds('T702-P'));
    services.clock.set(`${due}T12:00:00Z`);
    try {
      await services.retention.sweep(operatorContext('JOB', 'test:sweep'));
      const [gone] = await queryRows<{ rule_id: string }>(
        services.database.db,
        sql`SELECT rule_id FROM record_tombstones WHERE source_record_id = 'T702-A'`,
      );
      assert.equal(gone?.rule_id, 'MOPI_UNDER_10');
      await assertAuditLogVerifies(services);
    } finally {
      services.clock.set('2026-11-01T12:00:00Z');
    }
  });
});

describe('a historic backlog (issue 13 item 5)', () => {
  it('plans reviews already past due when first decided, the most serious and oldest first, instead of all overdue', async () => {
    const convicted = personChain(721, { outcome: 'CONVICTED', surname: 'Oldcase' })
      .records.filter((r) => ['person', 'arrest', 'charge', 'disposal'].includes(r.kind as string))
      .map((r) =>
        r.kind === 'person'
          ? { ...r, datesOfBirth: [{ date: '1960-01-01' }] }
          : r.kind === 'arrest'
            ? { ...r, occurredAt: '1995-01-01T10:00:00Z' }
            : r.kind === 'charge'
              ? { ...r, chargedOn: '1995-01-02' }
              : r.kind === 'disposal'
                ? { ...r, disposedOn: '1995-03-01', courtCaseSourceRecordId: undefined }
                : r,
      );
    await services.ingest.ingestBatch(force, 'KID-CUSTODY', ndjson(convicted));
    await services.ingest.ingestBatch(force, 'KID-CUSTODY', ndjson(arrestOnly(722, '1970-01-01', '2000-01-01')));
    const planned = async (sourceRecordId: string) => {
      const [row] = await queryRows<{ due_on: string; planned_on: string | null; rule_id: string }>(
        services.database.db,
        sql`SELECT d.due_on::text, d.planned_on::text, d.rule_id FROM retention_decisions d
            JOIN source_records s ON s.record_id = d.item_id WHERE s.source_record_id = ${sourceRecordId}`,
      );
      return row;
    };
    const serious = await planned('T721-P');
    const minor = await planned('T722-P');
    assert.ok(serious && minor);
    assert.ok(serious.due_on < '2026-11-01' && minor.due_on < '2026-11-01', 'both were due long ago');
    assert.ok(serious.planned_on && minor.planned_on, 'both are planned');
    assert.ok(
      (serious.planned_on as string) < (minor.planned_on as string),
      `${serious.rule_id} before ${minor.rule_id}`,
    );
    assert.ok((minor.planned_on as string) <= '2028-11-01', 'within the 24 months');
    const desk = await services.retention.overview(officer);
    assert.ok(desk.counts.backlog >= 1, 'the desk counts the planned backlog');
    const dueNow = desk.due.map((d) => d.itemId);
    const [minorItem] = await queryRows<{ record_id: string }>(
      services.database.db,
      sql`SELECT record_id FROM source_records WHERE source_record_id = 'T722-P'`,
    );
    assert.ok(!dueNow.includes(minorItem?.record_id as string), 'not on the desk before its planned date');
    // A later re-decision of the same review keeps its plan.
    await services.retention.reevaluate(operatorContext('JOB', 'test'), [await recordIdOf(services, 'T721-P')]);
    assert.equal((await planned('T721-P'))?.planned_on, serious.planned_on);
  });
});

describe('leds retention plan --as-of on either side of a boundary (issue 13)', () => {
  it('shows the 100th birthday and the end of a clear period', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'leds-plan-boundary-'));
    const leds = ledsIn(folder);
    try {
      assert.equal(
        leds('organisation', 'add', '--code', 'PLN', '--name', 'Plan force', '--kind', 'POLICE_FORCE').status,
        0,
      );
      const agreement = path.join(folder, 'agreement.json');
      await writeFile(
        agreement,
        JSON.stringify({
          organisationCode: 'PLN',
          reference: 'DSA-PLN-1',
          validFrom: '2020-01-01',
          validTo: '2099-12-31',
          reviewDue: '2027-01-01',
          grants: policeForceGrants(),
        }),
      );
      const agreed = leds('agreement', 'add', agreement);
      assert.equal(agreed.status, 0, agreed.stderr);
      // Born 1930-05-05 and convicted in 1990 (P1 to the 100th birthday, 2030-05-05); arrested in 2020 and not
      // convicted (MoPI group 3: reviewed after a 6-year clear period, to 2026-06-01).
      const old = personChain(711, { outcome: 'CONVICTED', surname: 'Centurion' })
        .records.filter((r) => ['person', 'arrest', 'charge', 'disposal'].includes(r.kind as string))
        .map((r) =>
          r.kind === 'person'
            ? { ...r, datesOfBirth: [{ date: '1930-05-05' }] }
            : r.kind === 'arrest'
              ? { ...r, occurredAt: '1990-01-01T10:00:00Z' }
              : r.kind === 'charge'
                ? { ...r, chargedOn: '1990-01-02' }
                : { ...r, disposedOn: '1990-03-01', courtCaseSourceRecordId: undefined },
        );
      const clear = arrestOnly(712, '1980-01-01', '2020-06-01');
      const file = path.join(folder, 'records.ndjson');
      await writeFile(file, `${[...ndjson(old), ...ndjson(clear)].join('\n')}\n`);
      const imported = leds('import', file, '--organisation', 'PLN', '--source-system', 'PLN-CUSTODY');
      assert.equal(imported.status, 0, `${imported.stdout}\n${imported.stderr}`);
      const plan = (asOf: string) => {
        const run = leds('retention', 'plan', '--as-of', asOf);
        assert.equal(run.status, 0, run.stderr);
        return run.stdout;
      };
      const personRecordDue = (out: string) => /^ {2}DESTROY\t2030-05-05\tP1\tPERSON_RECORD\t/m.test(out);
      assert.equal(personRecordDue(plan('2030-05-04')), false, 'the day before the 100th birthday');
      const on = plan('2030-05-05');
      assert.equal(personRecordDue(on), true, `on the 100th birthday:\n${on}`);
      const clearPeriodEnds = (out: string) => /^ {2}REVIEW\t2026-06-01\tMOPI3\tPERSON_RECORD\t/m.test(out);
      assert.equal(clearPeriodEnds(plan('2026-05-31')), false, 'the day before the clear period ends');
      assert.equal(clearPeriodEnds(plan('2026-06-01')), true, 'the day it ends');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
