// Issue 11, items 4 and 9: what LEDS answers without sign-in tells nobody whether an arrest exists, and carries no
// configuration that describes the server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { formatAsn, makeAsn } from '../src/modules/records/identifiers.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { ndjson, personChain } from './support/records.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
const chain = personChain(730);
const unknownAsn = makeAsn(2024, '01', 'ZD', '01', 88_888);
const applicant = {
  applicantName: 'Testina Publica',
  applicantDateOfBirth: '1990-04-02',
  contact: 'testina@example.org',
  grounds: 'I was not charged',
};

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  const force = await services.actingFor('PUBF', ['SYSTEM_INGEST']);
  const batch = await services.ingest.ingestBatch(force, 'PUB-CUSTODY', ndjson(chain.records));
  assert.equal(batch.rejectedCount, 0);
});
after(async () => {
  await assertAuditLogVerifies(services);
  await app.close();
  await services.close();
});

/** A reply with what differs between any two applications (the reference) put aside. */
const withoutReference = (text: string) =>
  text.replace(/DEL-\d{4}-[0-9A-F]{8}/g, 'DEL-…').replace(/nonce="[^"]+"/g, '');

describe('the public application for deletion', () => {
  it('answers the same over the API for a real arrest/summons number and for a made-up one', async () => {
    const send = (eventReference: string) =>
      app.inject({ method: 'POST', url: '/api/v1/deletion-applications', payload: { ...applicant, eventReference } });
    const real = await send(formatAsn(chain.asn));
    const madeUp = await send(formatAsn(unknownAsn));
    assert.equal(real.statusCode, 201);
    assert.equal(madeUp.statusCode, real.statusCode);
    assert.deepEqual(Object.keys(real.json()).sort(), ['next', 'reference', 'targetDate']);
    assert.equal(withoutReference(real.body), withoutReference(madeUp.body));
  });

  it('answers the same on the page', async () => {
    const send = (eventReference: string) =>
      app.inject({ method: 'POST', url: '/apply-for-deletion', payload: { ...applicant, eventReference } });
    const real = await send(formatAsn(chain.asn));
    const madeUp = await send(formatAsn(unknownAsn));
    assert.equal(real.statusCode, 200);
    assert.equal(madeUp.statusCode, 200);
    assert.match(real.body, /data-testid="application-reference">DEL-2026-/);
    assert.equal(withoutReference(real.body), withoutReference(madeUp.body));
  });

  it('leaves matching to staff: the owning force’s desk shows it as naming one of its arrests', async () => {
    const officer = await services.actingFor('PUBF', ['RETENTION_OFFICER'], 'DATA_QUALITY');
    const desk = await services.retention.overview(officer);
    const mine = desk.applications.filter((a) => a.applicantName === applicant.applicantName);
    assert.equal(mine.length, 4);
    assert.ok(mine.every((a) => a.status === 'UNMATCHED'));
    assert.deepEqual(mine.map((a) => a.namesOwnForcesArrest).sort(), [false, false, true, true]);
  });
});

describe('public answers carry no configuration that describes the server', () => {
  const publicPaths = [
    '/api/v1/retention/rules',
    '/api/v1/transparency/retention',
    '/api/v1/transparency/audit',
    '/api/v1/audit/checkpoint',
    '/api/v1/access-register',
    '/api/v1/access-register.csv',
    '/health/live',
    '/health/ready',
    '/api/openapi.json',
    '/transparency/retention',
    '/transparency/audit',
    '/access-register',
    '/apply-for-deletion',
    '/sign-in',
    '/no-such-page',
    '/api/v1/no-such-resource',
  ];

  it('names no file, folder or database of the server in any public answer', async () => {
    const { config } = services;
    const secrets = [
      config.dataDir,
      config.blobDir,
      config.retention.rulesFile,
      config.policyDir,
      config.audit.signingKeyFile,
      path.resolve(import.meta.dirname, '..'),
      'pglite',
      'postgres',
    ];
    for (const url of publicPaths) {
      const response = await app.inject({ method: 'GET', url });
      assert.ok(response.statusCode < 500, url);
      for (const secret of secrets) assert.ok(!response.body.includes(secret), `${url} names ${secret}`);
    }
  });

  it('publishes the retention rules with the parameters they use, and only those', async () => {
    const rules = (await app.inject({ method: 'GET', url: '/api/v1/retention/rules' })).json();
    assert.ok(rules.rules.length > 10);
    assert.equal(rules.parameters.applicationTargetDays, 28);
    assert.equal(rules.settings, undefined);
    for (const key of ['rulesFile', 'sweepSeconds', 'sweepBatchSize', 'deletionBatchSize', 'sweepLeaseSeconds'])
      assert.equal(key in rules.parameters, false, key);
  });
});
