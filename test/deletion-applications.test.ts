import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.ts';
import type { LedsError } from '../src/platform/errors.ts';
import { operatorContext, type RequestContext } from '../src/platform/request-context.ts';
import { queryRows } from '../src/storage/database.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { ndjson, personChain } from './support/records.ts';
import { recordIdOf, startTestServices, type TestServices } from './support/services.ts';

// Issue 13 items 1 and 2: a granted application deletes what it grants, item by item (the event on PNC, its custody
// images, its fingerprints and DNA), on grounds from a list with the evidence each needs; what another basis keeps
// is shown as kept; and the application never reads as if something was deleted that was not. Through ingest.

let services: TestServices;
let force: RequestContext;
let officer: RequestContext;

/** A person charged with a qualifying offence and acquitted: fingerprints kept 3 years (B4), image and event held. */
async function acquitted(n: number) {
  const chain = personChain(n, { outcome: 'ACQUITTED', surname: `Applicant${n}` });
  const records = chain.records
    .filter((r) => r.kind !== 'court-case' && r.kind !== 'missing-person-report')
    .map((r) => {
      if (r.kind === 'disposal') return { ...r, courtCaseSourceRecordId: undefined, disposedOn: '2026-10-20' };
      if (r.kind === 'charge')
        return { ...r, offences: (r.offences as Record<string, unknown>[]).map((o) => ({ ...o, qualifying: true })) };
      return r;
    });
  await services.ingest.ingestBatch(force, 'RDP-CUSTODY', ndjson(records));
  const application = await services.retention.applyForDeletion(officer, {
    applicantName: `Applicant ${n}`,
    applicantDateOfBirth: '1990-04-05',
    contact: `applicant${n}@example.org`,
    eventReference: chain.asn,
    groundCodes: ['NO_CRIME', 'MISTAKEN_IDENTITY'],
    grounds: 'I was not there.',
  });
  return { chain, application };
}

async function tombstoneRule(recordId: string): Promise<string | undefined> {
  const [row] = await queryRows<{ rule_id: string }>(
    services.database.db,
    sql`SELECT rule_id FROM record_tombstones WHERE record_id = ${recordId}::uuid`,
  );
  return row?.rule_id;
}

before(async () => {
  services = await startTestServices();
  // The force's window to act on an unconvicted person's image: without it the image goes at the outcome.
  services.config.retention.imageGraceDays = 60;
  force = await services.actingFor('RDP01', ['SYSTEM_INGEST', 'ADMINISTRATOR']);
  officer = await services.actingFor('RDP01', ['RETENTION_OFFICER'], 'DATA_QUALITY');
});
after(() => services.close());

describe('an application for deletion decided item by item (issue 13 items 1 and 2)', () => {
  it('covers the event, its custody image and its fingerprints, and deletes each one granted, with tombstones and notices', async () => {
    const { application } = await acquitted(601);
    const eventId = await recordIdOf(services, 'T601-A');
    const imageId = await recordIdOf(services, 'T601-I');
    const printsId = await recordIdOf(services, 'T601-F');
    const view = await services.retention.applicationFor(officer, application.id);
    assert.deepEqual(view.groundCodes, ['NO_CRIME', 'MISTAKEN_IDENTITY']);
    assert.deepEqual(
      view.toDecide.map((i) => i.itemKind).sort(),
      ['BIOMETRIC_REFERENCE', 'CUSTODY_IMAGE', 'EVENT'],
      'the event, its image and its fingerprints',
    );
    const decided = await services.retention.decideApplication(officer, application.id, {
      decision: 'GRANTED',
      reasons: 'The allegation was reclassified as no crime.',
      groundsMet: [{ code: 'NO_CRIME', evidence: 'Crime record CR/601/2026 reclassified as no crime on 2026-10-25' }],
    });
    assert.equal(decided.status, 'GRANTED');
    assert.deepEqual(decided.items.map((i) => [i.itemKind, i.decision, i.outcome]).sort(), [
      ['BIOMETRIC_REFERENCE', 'GRANTED', 'DELETED'],
      ['CUSTODY_IMAGE', 'GRANTED', 'DELETED'],
      ['EVENT', 'GRANTED', 'DELETED'],
    ]);
    // Everything hangs from the event, so it all goes with it, under the Record Deletion Process.
    assert.equal(await tombstoneRule(eventId), 'P5');
    assert.equal(await tombstoneRule(imageId), 'P5');
    assert.equal(await tombstoneRule(printsId), 'P5');
    const notices = (await services.retention.noticesFor(force)).filter((n) => n.sourceRecordId.startsWith('T601-'));
    assert.ok(notices.some((n) => n.sourceRecordId === 'T601-A') && notices.some((n) => n.sourceRecordId === 'T601-F'));
    await assertAuditLogVerifies(services);
  });

  it('needs the evidence of each ground met, and an exceptional reason for what no ground supports', async () => {
    const { application } = await acquitted(602);
    const decide = (input: Parameters<TestServices['retention']['decideApplication']>[2]) =>
      services.retention.decideApplication(officer, application.id, input);
    const problems = async (input: Parameters<typeof decide>[0]) =>
      decide(input).then(
        () => assert.fail('decided'),
        (e: LedsError) => e.fieldProblems.map((p) => p.field),
      );
    // "No crime" with no evidence: an acquittal alone does not meet it (P6).
    assert.deepEqual(
      await problems({ decision: 'GRANTED', reasons: 'Acquitted.', groundsMet: [{ code: 'NO_CRIME', evidence: ' ' }] }),
      ['groundsMet/0/evidence', 'exceptionalGrantReason'],
    );
    // No ground at all: the event and the fingerprints need one; the unconvicted person's image does not.
    const none = await decide({ decision: 'GRANTED', reasons: 'Acquitted.' }).catch((e: LedsError) => e);
    assert.equal((none as LedsError).code, 'RETENTION_REASON_REQUIRED');
    assert.match(
      (none as LedsError).fieldProblems[0]?.message ?? '',
      /granting the event \(arrest\), fingerprints taken \d{4}-\d{2}-\d{2} needs a ground/,
    );
    // A ground that covers fingerprints only ("unlawfully taken") leaves the event unsupported.
    assert.deepEqual(
      await problems({
        decision: 'GRANTED',
        reasons: 'Prints taken without power.',
        groundsMet: [{ code: 'UNLAWFULLY_TAKEN', evidence: 'Custody record shows no authority for taking' }],
      }),
      ['exceptionalGrantReason'],
    );
    assert.deepEqual(
      await problems({ decision: 'GRANTED', reasons: 'x', items: [{ itemId: application.id, decision: 'GRANTED' }] }),
      ['items/0/itemId', 'exceptionalGrantReason'],
    );
    // An exceptional reason lets the chief officer decide outside the grounds (P7); nothing was decided before.
    const decided = await decide({
      decision: 'GRANTED',
      reasons: 'Exceptional case.',
      exceptionalGrantReason: 'Chief officer decision under the exceptional-case procedure, ref EX/602',
    });
    assert.equal(decided.status, 'GRANTED');
    assert.ok(decided.items.every((i) => i.outcome === 'DELETED'));
    await assertAuditLogVerifies(services);
  });

  it('shows what another basis keeps as kept: a legal hold on the event, while the image goes', async () => {
    const { application } = await acquitted(603);
    const eventId = await recordIdOf(services, 'T603-A');
    const imageId = await recordIdOf(services, 'T603-I');
    await services.retention.recordInstrument(officer, {
      kind: 'LEGAL_HOLD',
      personId: await recordIdOf(services, 'T603-P'),
      itemId: eventId,
      madeOn: '2026-10-30',
      madeBy: 'Force solicitor',
      evidence: 'Civil claim CL-603',
    });
    const decided = await services.retention.decideApplication(officer, application.id, {
      decision: 'GRANTED',
      reasons: 'Mistaken identity established.',
      groundsMet: [{ code: 'MISTAKEN_IDENTITY', evidence: 'Fingerprint comparison excluded the applicant' }],
    });
    const event = decided.items.find((i) => i.itemId === eventId);
    assert.deepEqual([event?.decision, event?.outcome], ['GRANTED', 'KEPT']);
    assert.match(event?.keptBecause ?? '', /under legal hold; without it: P5 DESTROY/);
    assert.equal(decided.items.find((i) => i.itemId === imageId)?.outcome, 'DELETED');
    // The fingerprints taken on the held event are granted too: they go, and the event waits for its hold.
    assert.equal(decided.items.find((i) => i.itemKind === 'BIOMETRIC_REFERENCE')?.outcome, 'DELETED');
    assert.equal(await tombstoneRule(eventId), undefined, 'no tombstone: not deleted');
    await assertAuditLogVerifies(services);
  });

  it('on the page: items to decide, grounds with their evidence, and what happened to each', async () => {
    const { application } = await acquitted(604);
    const imageId = await recordIdOf(services, 'T604-I');
    const app = await buildApp(services, { logger: false });
    try {
      await services.access.createUser({
        organisationCode: 'RDP01',
        username: 'rdp.officer',
        displayName: 'RDP Officer',
        password: 'correct horse battery staple',
        roles: ['RETENTION_OFFICER'],
      });
      const signIn = await app.inject({
        method: 'POST',
        url: '/sign-in',
        payload: { username: 'rdp.officer', password: 'correct horse battery staple', next: '/retention' },
      });
      const cookie = String(signIn.headers['set-cookie']).split(';')[0] as string;
      await app.inject({
        method: 'POST',
        url: '/purpose',
        headers: { cookie },
        payload: { purpose: 'DATA_QUALITY', next: '/retention' },
      });
      const url = `/retention/applications/${application.id}`;
      const page = await app.inject({ method: 'GET', url, headers: { cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`name="item-${imageId}"`));
      assert.match(page.body, /name="groundsMet" type="checkbox" value="NO_CRIME"/);
      assert.match(page.body, /name="evidence-NO_CRIME"/);
      const refused = await app.inject({
        method: 'POST',
        url: `${url}/decision`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          decision: 'REFUSED',
          reasons: 'The arrest record is kept; the image is not needed.',
          [`item-${imageId}`]: 'GRANTED',
        }).toString(),
      });
      assert.equal(refused.statusCode, 302, refused.body.slice(0, 400));
      const after = await app.inject({ method: 'GET', url, headers: { cookie } });
      const table = after.body.match(/data-testid="application-items"[\s\S]*?<\/table>/)?.[0] ?? '';
      assert.match(table, /Custody image[\s\S]*Granted[\s\S]*Deleted on 2026-11-01 \(C1\)/);
      assert.match(table, /The event \(arrest\)[\s\S]*Refused[\s\S]*Refused: kept/);
      assert.match(after.body, /Partly granted/);
    } finally {
      await app.close();
    }
  });

  it('refuses the second of two decisions sent at once, so only one is carried out', async () => {
    const { application } = await acquitted(605);
    const both = await Promise.allSettled([
      services.retention.decideApplication(officer, application.id, {
        decision: 'REFUSED',
        reasons: 'Kept for the review.',
        policingPurpose: 'Operation HERON',
        exceptionalReason: 'The image identifies a second suspect',
      }),
      services.retention.decideApplication(officer, application.id, {
        decision: 'GRANTED',
        reasons: 'No crime.',
        groundsMet: [{ code: 'NO_CRIME', evidence: 'Crime record CR/605 reclassified as no crime' }],
      }),
    ]);
    assert.deepEqual(both.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((refused.reason as LedsError).code, 'RETENTION_APPLICATION_STATE');
    const [items] = await queryRows<{ n: number }>(
      services.database.db,
      sql`SELECT count(*)::int AS n FROM deletion_application_items WHERE application_id = ${application.id}::uuid`,
    );
    assert.equal(items?.n, 3, 'one decision per item, not two');
  });

  it('counts a conviction on an arrest that arose from the event: deleting the event then needs an exceptional reason', async () => {
    const { application } = await acquitted(606);
    const later = personChain(606).records.find((r) => r.kind === 'arrest') as Record<string, unknown>;
    await services.ingest.ingestBatch(
      force,
      'RDP-CUSTODY',
      ndjson([
        { ...later, sourceRecordId: 'T606-A2', asn: personChain(6061).asn, arisingFrom: { sourceRecordId: 'T606-A' } },
        {
          kind: 'disposal',
          sourceRecordId: 'T606-D2',
          arrest: { sourceRecordId: 'T606-A2' },
          outcome: 'CONVICTED',
          disposedOn: '2026-10-25',
          recordable: true,
        },
      ]),
    );
    const refused = await services.retention
      .decideApplication(officer, application.id, {
        decision: 'GRANTED',
        reasons: 'No crime.',
        groundsMet: [{ code: 'NO_CRIME', evidence: 'Crime record CR/606 reclassified as no crime' }],
      })
      .catch((e: LedsError) => e);
    assert.equal((refused as LedsError).code, 'RETENTION_REASON_REQUIRED');
    assert.deepEqual(
      (refused as LedsError).fieldProblems.map((p) => p.field),
      ['exceptionalGrantReason'],
    );
  });

  it('answers another force matching an application already matched as it answers an unknown id', async () => {
    const { chain, application } = await acquitted(607);
    const other = await services.actingFor('RDP02', ['RETENTION_OFFICER'], 'DATA_QUALITY');
    const answer = (id: string) =>
      services.retention.matchApplication(other, id, chain.asn).then(
        () => assert.fail('matched'),
        (e: LedsError) => e,
      );
    const [seen, none] = [await answer(application.id), await answer('00000000-0000-4000-8000-000000000607')];
    assert.equal(seen.code, none.code);
    assert.equal(
      seen.message.replace(application.id, '…'),
      none.message.replace('00000000-0000-4000-8000-000000000607', '…'),
    );
    assert.doesNotMatch(seen.message, /DEL-/);
  });

  it('erases a partly granted application in time, and one overtaken by the deletion of its record', async () => {
    const partly = await acquitted(608);
    const imageId = await recordIdOf(services, 'T608-I');
    await services.retention.decideApplication(officer, partly.application.id, {
      decision: 'REFUSED',
      reasons: 'The arrest record stays under review.',
      items: [{ itemId: imageId, decision: 'GRANTED' }],
    });
    const overtaken = await acquitted(609);
    await services.retention.recordReview(officer, {
      itemId: await recordIdOf(services, 'T609-P'),
      outcome: 'DISPOSE',
      reason: 'No policing purpose remains.',
    });
    const [state] = await queryRows<{ status: string }>(
      services.database.db,
      sql`SELECT status FROM deletion_applications WHERE id = ${overtaken.application.id}::uuid`,
    );
    assert.equal(state?.status, 'OVERTAKEN', 'nothing is left to decide');
    services.clock.set('2027-11-02T12:00:00Z');
    try {
      await services.retention.sweep(operatorContext('JOB', 'test:sweep'));
      const erased = await queryRows<{ id: string; applicant_name: string | null }>(
        services.database.db,
        sql`SELECT id, applicant_name FROM deletion_applications
            WHERE id IN (${partly.application.id}::uuid, ${overtaken.application.id}::uuid)`,
      );
      assert.deepEqual(
        erased.map((r) => r.applicant_name),
        [null, null],
      );
    } finally {
      services.clock.set('2026-11-01T12:00:00Z');
    }
  });

  it('covers only what the deciding force owns: fingerprints another force took on the arrest are that force’s', async () => {
    const { chain, application } = await acquitted(610);
    const other = await services.actingFor('RDP03', ['SYSTEM_INGEST', 'ADMINISTRATOR']);
    const prints = personChain(610).records.find((r) => r.kind === 'biometric-reference') as Record<string, unknown>;
    await services.ingest.ingestBatch(
      other,
      'RDP03-CUSTODY',
      ndjson([{ ...prints, sourceRecordId: 'O610-F', reference: 'ID1-O-610', arrest: { asn: chain.asn } }]),
    );
    const [linked] = await queryRows<{ n: number }>(
      services.database.db,
      sql`SELECT count(*)::int AS n FROM biometric_references WHERE id = ${await recordIdOf(services, 'O610-F')}::uuid
          AND arrest_id = ${await recordIdOf(services, 'T610-A')}::uuid`,
    );
    assert.equal(linked?.n, 1, 'the other force’s fingerprints hang from the arrest');
    const view = await services.retention.applicationFor(officer, application.id);
    const otherPrints = await recordIdOf(services, 'O610-F');
    assert.ok(!view.toDecide.some((i) => i.itemId === otherPrints), 'not this force’s to decide');
    const ownPrints = await recordIdOf(services, 'T610-F');
    assert.ok(view.toDecide.some((i) => i.itemId === ownPrints));
  });

  it('tells another force that matches an arrest nothing of the owning force’s items', async () => {
    const chain = personChain(611, { outcome: 'ACQUITTED', surname: 'Applicant611' });
    await services.ingest.ingestBatch(
      force,
      'RDP-CUSTODY',
      ndjson(
        chain.records.filter((r) => ['person', 'arrest', 'custody-record', 'custody-image'].includes(r.kind as string)),
      ),
    );
    const application = await services.retention.applyForDeletion(null, {
      applicantName: 'Applicant 611',
      applicantDateOfBirth: '1990-04-05',
      contact: 'a611@example.org',
      eventReference: chain.asn,
      grounds: 'Not me.',
    });
    const other = await services.actingFor('RDP04', ['RETENTION_OFFICER'], 'DATA_QUALITY');
    const matched = await services.retention.matchApplication(other, application.id, chain.asn);
    assert.equal(matched.status, 'RECEIVED');
    assert.deepEqual([matched.items, matched.toDecide], [[], []]);
    const own = await services.retention.applicationFor(officer, application.id);
    assert.ok(own.toDecide.length >= 2, 'the owning force sees what it decides');
  });
});
