import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { ndjson, personChain, pngBytes } from '../../../test/support/records.ts';
import { startTestServices, type TestServices } from '../../../test/support/services.ts';
import type { RequestContext } from '../../platform/request-context.ts';

let services: TestServices;
let force: RequestContext;
let reader: RequestContext;

const count = async (table: string) => {
  const result = (await services.database.db.execute(
    sql.raw(`select count(*)::int as n from ${table}`),
  )) as unknown as { rows: { n: number }[] };
  return result.rows[0]?.n ?? 0;
};
const tables = [
  'people',
  'person_names',
  'person_identifiers',
  'arrests',
  'charges',
  'offences',
  'court_cases',
  'disposals',
  'custody_records',
  'custody_images',
  'biometric_references',
  'markers',
  'missing_person_reports',
  'source_records',
];
const snapshot = async () =>
  Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)));

async function blobCount(): Promise<number> {
  try {
    const entries = await readdir(services.config.blobDir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

before(async () => {
  services = await startTestServices();
  force = await services.actingFor('INGESTFORCE', ['SYSTEM_INGEST']);
  reader = await services.actingFor('INGESTFORCE', ['SYSTEM_READ'], 'INVESTIGATION');
});
after(() => services.close());

describe('ingest of a batch', () => {
  it('stores a whole event chain and reports every line as created', async () => {
    const chain = personChain(1);
    const batch = await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson(chain.records));
    assert.equal(batch.lineCount, chain.records.length);
    assert.equal(batch.createdCount, chain.records.length);
    assert.equal(batch.rejectedCount, 0);
    const [found] = await services.records.searchPeople(reader, { pncId: chain.pncId });
    assert.ok(found);
    const person = await services.records.viewPerson(reader, found.personId);
    assert.equal(person.names.length, 2);
    assert.equal(person.events?.length, 1);
    const event = person.events?.[0];
    assert.equal(event?.disposals?.[0]?.outcome, 'CONVICTED');
    assert.equal(event?.offences?.[0]?.chargeId, event?.charges?.[0]?.chargeId);
    assert.equal(event?.disposals?.[0]?.courtCaseId, event?.courtCases?.[0]?.courtCaseId);
    assert.equal(person.custodyImages?.length, 1);
    assert.equal(person.custodyImages?.[0]?.subjectAgeAtCapture, 33);
    assert.equal(person.biometricReferences?.[0]?.identityConfirmed, true);
    assert.equal(person.markers?.[0]?.reviewDue, '2027-01-01');
    assert.equal(person.provenance.owningOrganisation, 'INGESTFORCE');
    assert.equal(person.provenance.sourceRecordId, 'T1-P');
    const image = await services.records.custodyImageContent(
      reader,
      found.personId,
      person.custodyImages?.[0]?.imageId as string,
    );
    assert.deepEqual(image.bytes, pngBytes(1));
  });

  it('stores nothing twice when the same batch is sent again', async () => {
    const chain = personChain(2);
    await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson(chain.records));
    const before = await snapshot();
    const blobsBefore = await blobCount();
    const again = await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson(chain.records));
    assert.equal(again.unchangedCount, chain.records.length);
    assert.equal(again.createdCount + again.updatedCount + again.rejectedCount, 0);
    assert.deepEqual(await snapshot(), before);
    assert.equal(await blobCount(), blobsBefore);
  });

  it('updates the same row when a corrected record arrives, and replaces its names', async () => {
    const chain = personChain(3);
    await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson(chain.records));
    const corrected = {
      ...chain.records[0],
      names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Corrected' }],
    };
    const disposal = { ...chain.records[4], outcome: 'CONVICTED', sentence: 'Fine £100' };
    const batch = await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson([corrected, disposal]));
    assert.equal(batch.updatedCount, 2);
    const [found] = await services.records.searchPeople(reader, { pncId: chain.pncId });
    const person = await services.records.viewPerson(reader, found?.personId as string);
    assert.deepEqual(
      person.names.map((n) => n.surname),
      ['Corrected'],
    );
    assert.equal(person.events?.[0]?.disposals?.length, 1);
    assert.equal(person.events?.[0]?.disposals?.[0]?.outcome, 'CONVICTED');
  });

  it('rejects bad lines with line number, field and reason, and stores the good lines', async () => {
    const chain = personChain(4);
    const lines = [
      ...ndjson(chain.records.slice(0, 2)),
      '{"kind":"person", not json',
      JSON.stringify({
        ...chain.records[0],
        sourceRecordId: 'T4-P2',
        identifiers: [{ type: 'PNC_ID', value: '2004/0123456C' }],
      }),
      JSON.stringify({ ...chain.records[1], sourceRecordId: 'T4-A2', asn: '2401ZD0100001234567R' }),
      JSON.stringify({ ...chain.records[8], sourceRecordId: 'T4-M2', shoeSize: 9 }),
      JSON.stringify({ ...chain.records[8], sourceRecordId: 'T4-M3', reviewDue: 20270101 }),
      JSON.stringify({ kind: 'vehicle', sourceRecordId: 'V1' }),
      JSON.stringify({ ...chain.records[1], sourceRecordId: 'T4-A3', person: { sourceRecordId: 'NOBODY' } }),
      '',
      JSON.stringify({ ...chain.records[8], sourceRecordId: 'T4-M4' }),
    ];
    const batch = await services.ingest.ingestBatch(force, 'TEST-CUSTODY', lines);
    assert.equal(batch.createdCount, 3);
    assert.equal(batch.rejectedCount, 7);
    const rejected = await services.ingest.batchLines(force, batch.batchId, {
      outcome: 'REJECTED',
      offset: 0,
      limit: 100,
    });
    const byLine = Object.fromEntries(rejected.map((l) => [l.lineNumber, l.problems]));
    assert.match(byLine[3]?.[0]?.message ?? '', /not valid JSON/);
    assert.equal(byLine[4]?.[0]?.field, '/identifiers/0/value');
    assert.match(byLine[4]?.[0]?.message ?? '', /check character/);
    assert.equal(byLine[5]?.[0]?.field, '/asn');
    assert.deepEqual(byLine[6], [{ field: '/shoeSize', message: 'is not a known field' }]);
    assert.equal(byLine[7]?.[0]?.field, '/reviewDue');
    assert.equal(byLine[8]?.[0]?.field, '/kind');
    assert.equal(byLine[9]?.[0]?.field, '/person/sourceRecordId');
    const stored = await services.ingest.batchLines(force, batch.batchId, { offset: 0, limit: 100 });
    assert.deepEqual(
      stored.filter((l) => l.outcome === 'CREATED').map((l) => l.lineNumber),
      [1, 2, 11],
    );
  });

  it('attaches a record whose PNC ID is already held to that nominal instead of making a second person', async () => {
    const chain = personChain(5);
    await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson([chain.records[0]]));
    const otherForce = await services.actingFor('OTHERFORCE', ['SYSTEM_INGEST']);
    const fromElsewhere = {
      kind: 'person',
      sourceRecordId: 'X5',
      names: [{ nameType: 'PRIMARY', forenames: 'Tina', surname: 'Otherwise' }],
      datesOfBirth: [{ date: '1990-04-06' }],
      sex: 'FEMALE',
      identifiers: [{ type: 'PNC_ID', value: chain.pncId.replace('2019/', '19/') }],
    };
    const before = await count('people');
    const batch = await services.ingest.ingestBatch(otherForce, 'OTHER-RMS', ndjson([fromElsewhere]));
    assert.equal(batch.createdCount, 1);
    assert.equal(await count('people'), before);
    const [found] = await services.records.searchPeople(reader, { surname: 'Otherwise', forename: 'Tina' });
    const person = await services.records.viewPerson(reader, found?.personId as string);
    assert.deepEqual(person.names.map((n) => n.surname).sort(), ['Examplar5', 'Otherwise', 'Placeholder']);
    assert.equal(person.provenance.owningOrganisation, 'INGESTFORCE');
  });

  it("refuses an identifier that already identifies another person, and another organisation's source key", async () => {
    const a = personChain(6);
    const b = personChain(7);
    await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson([a.records[0], b.records[0]]));
    const clash = {
      ...b.records[0],
      identifiers: [
        { type: 'CRO_NUMBER', value: b.croNumber },
        { type: 'NI_NUMBER', value: 'AB123456C' },
      ],
    };
    await services.ingest.ingestBatch(
      force,
      'TEST-CUSTODY',
      ndjson([{ ...a.records[0], identifiers: [{ type: 'NI_NUMBER', value: 'AB123456C' }] }]),
    );
    const batch = await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson([clash]));
    const [line] = await services.ingest.batchLines(force, batch.batchId, { offset: 0, limit: 1 });
    assert.equal(line?.outcome, 'REJECTED');
    assert.deepEqual(line?.problems, [
      { field: '/identifiers/1/value', message: '`AB123456C` already identifies another person' },
    ]);
    // A source system is its first organisation's: another may not push under its name at all.
    const intruder = await services.actingFor('INTRUDER', ['SYSTEM_INGEST']);
    await assert.rejects(
      services.ingest.ingestBatch(intruder, 'TEST-CUSTODY', ndjson([{ ...a.records[0], nationality: 'Changed' }])),
      { code: 'INGEST_SOURCE_SYSTEM_TAKEN' },
    );
  });

  it('removes the stored image when a custody image line is rejected after its bytes were written', async () => {
    const chain = personChain(8);
    await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson(chain.records.slice(0, 6)));
    const blobsBefore = await blobCount();
    const jpegClaim = { ...chain.records[6], mediaType: 'image/jpeg' };
    const batch = await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson([jpegClaim]));
    assert.equal(batch.rejectedCount, 1);
    assert.equal(await blobCount(), blobsBefore);
  });

  it('refuses a batch over the line limit and an empty batch with their own codes', async () => {
    const limited = { ...services, ingest: services.ingest };
    const chain = personChain(9);
    const small = new (services.ingest.constructor as new (...args: unknown[]) => typeof services.ingest)(
      services.database.db,
      services.intake,
      services.records,
      services.decisions,
      services.auditTrail,
      services.clock,
      { ingestMaxLines: 2 },
    );
    await assert.rejects(small.ingestBatch(force, 'TEST-CUSTODY', ndjson(chain.records.slice(0, 3))), {
      code: 'INGEST_BATCH_TOO_MANY_LINES',
    });
    await assert.rejects(limited.ingest.ingestBatch(force, 'TEST-CUSTODY', ['', '  ']), { code: 'INGEST_BATCH_EMPTY' });
    await assert.rejects(limited.ingest.ingestBatch(force, 'bad system!', ['{}']), { code: 'REQUEST_INVALID' });
  });

  it('links a person to an associate, and rejects an unknown associate or a person linked to themself', async () => {
    const a = personChain(11);
    const b = personChain(12);
    const link = (id: string, associate: Record<string, string>) => ({
      kind: 'association',
      sourceRecordId: id,
      person: { sourceRecordId: 'T11-P' },
      associate,
      relationship: 'ASSOCIATE',
    });
    const batch = await services.ingest.ingestBatch(
      force,
      'TEST-CUSTODY',
      ndjson([
        a.records[0],
        b.records[0],
        link('L1', { pncId: b.pncId }),
        link('L2', { sourceRecordId: 'NOBODY' }),
        link('L3', { sourceRecordId: 'T11-P' }),
      ]),
    );
    assert.equal(batch.createdCount, 3);
    const rejected = await services.ingest.batchLines(force, batch.batchId, {
      outcome: 'REJECTED',
      offset: 0,
      limit: 10,
    });
    assert.deepEqual(
      rejected.map((l) => l.problems[0]?.field),
      ['/associate/sourceRecordId', '/associate'],
    );
    const [found] = await services.records.searchPeople(reader, { pncId: a.pncId });
    const person = await services.records.viewPerson(reader, found?.personId as string);
    assert.deepEqual(
      person.associates?.map((x) => x.surname),
      ['Examplar12'],
    );
  });

  it('refuses to ingest for a caller without the ingest role', async () => {
    await assert.rejects(services.ingest.ingestBatch(reader, 'TEST-CUSTODY', ['{}']), { code: 'ACCESS_DENIED' });
  });

  it('shows a batch only to its own organisation', async () => {
    const batch = await services.ingest.ingestBatch(force, 'TEST-CUSTODY', ndjson([personChain(10).records[0]]));
    const other = await services.actingFor('OTHERFORCE', ['SYSTEM_INGEST']);
    await assert.rejects(services.ingest.getBatch(other, batch.batchId), { code: 'INGEST_BATCH_NOT_FOUND' });
    assert.equal((await services.ingest.getBatch(force, batch.batchId)).batchId, batch.batchId);
    assert.ok(path.isAbsolute(services.config.blobDir));
  });
});
