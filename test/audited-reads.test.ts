// Issue 11, "Done when": no read of person data (API, page, CSV, line report) happens without an audit entry. This
// walks every GET route the app registers: each is either listed here as carrying no person data (with why), or
// fetched as a caller who may read it, and must then have written an audit entry under the answer's correlation id.
// A new GET route is in neither list until someone decides which it is: the test fails until then.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { assertAuditLogVerifies, auditEntriesAfter, lastAuditSeq } from './support/audit.ts';
import { ndjson, personChain } from './support/records.ts';
import { givePoliceAgreement, startTestServices, type TestServices } from './support/services.ts';
import { signedInAs } from './support/web.ts';

let services: TestServices;
let app: FastifyInstance;
const chain = personChain(760);
const associate = personChain(761);
const witness = personChain(762);
const disregarded = personChain(763);

/** GET routes that carry no data about a person (the caller's own account, counts, rules, forms), and why. */
const carriesNoPersonData: Record<string, string> = {
  '/': 'sends the visitor on to sign in or search',
  '/sign-in': 'the sign-in form',
  '/purpose': 'the purpose form',
  '/apply-for-deletion': 'the empty public form',
  '/retention/applications/new': 'the empty staff form',
  '/health/live': 'process health',
  '/health/ready': 'database health',
  '/api/openapi.json': 'the API description',
  '/api/docs': 'the API documentation',
  '/api/docs/static/index.html': 'the API documentation',
  '/api/docs/static/swagger-initializer.js': 'the API documentation',
  '/api/docs/json': 'the API description',
  '/api/docs/yaml': 'the API description',
  '/api/docs/static/*': 'the API documentation’s files',
  '/assets/*': 'GOV.UK Frontend’s files',
  '/static/govuk/*': 'GOV.UK Frontend’s files',
  '/static/moj/*': 'MoJ Frontend’s files',
  '/static/leds/*': 'LEDS’s stylesheet',
  '/api/v1/purposes': 'the purposes a caller may declare',
  '/api/v1/access-register': 'the public register of agreements (organisations, not people)',
  '/api/v1/access-register.csv': 'the same register as CSV',
  '/access-register': 'the same register as a page',
  '/api/v1/audit/checkpoint': 'the signed size and root of the log',
  '/api/v1/audit/checkpoints': 'every signed size and root of the log, with cosignatures',
  '/api/v1/audit/proofs/inclusion': 'hashes of the log',
  '/api/v1/audit/proofs/consistency': 'hashes of the log',
  '/api/v1/transparency/audit': 'monthly counts, never rows',
  '/transparency/audit': 'monthly counts, never rows',
  '/api/v1/transparency/retention': 'counts, never rows',
  '/transparency/retention': 'counts, never rows',
  '/api/v1/retention/rules': 'the rule set and its parameters',
  '/api/v1/access-applications': "organisations' applications for access (datasets and purposes)",
  '/api/v1/access-applications/:id': "an organisation's application for access",
  '/api/v1/agreement-reviews': 'agreements due for review',
  '/access-applications': "organisations' applications for access",
  '/access-applications/new': 'the empty application form',
  '/access-applications/:id': "an organisation's application for access",
  '/agreements': 'the agreements the access panel manages',
  '/admin/credentials': "the organisation's own users and keys (staff accounts, not people LEDS records)",
  '/admin/credentials/api-keys/:id/rotate': 'the rotation form for one key',
  '/api/v1/ingest-batches': "a system's own batches: counts of lines",
  '/api/v1/ingest-batches/:batchId': 'one batch: counts of lines',
  '/ingest-batches': "a system's own batches: counts of lines",
  '/audit': "the auditor's own cases",
  '/audit/deleted-records': 'sends the form on to the record’s own page',
};

type Fixture = { url: string; headers: Record<string, string> };
const fixtures = new Map<string, () => Promise<Fixture>>();
const ids: Record<string, string> = {};

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  const force = await services.actingFor('READF', ['SYSTEM_INGEST', 'SYSTEM_READ']);
  const batch = await services.ingest.ingestBatch(
    force,
    'READ-CUSTODY',
    ndjson([
      ...chain.records,
      ...disregarded.records,
      associate.records[0],
      { ...witness.records[0], protectedIdentity: true },
      {
        kind: 'association',
        sourceRecordId: 'T760-L',
        person: { sourceRecordId: 'T760-P' },
        associate: { pncId: associate.pncId },
        relationship: 'ASSOCIATE',
      },
    ]),
  );
  assert.equal(batch.rejectedCount, 0);
  ids.batch = batch.batchId;
  const [found] = await services.records.searchPeople({ ...force, purpose: 'INVESTIGATION' }, { pncId: chain.pncId });
  ids.person = found?.personId as string;
  const record = await services.records.viewPerson({ ...force, purpose: 'INVESTIGATION' }, ids.person);
  ids.image = record.custodyImages?.[0]?.imageId as string;
  // Another force pushes a record naming the protected witness: it is held for this force to review.
  await services.access.createOrganisation({ code: 'READO', name: 'Other force', kind: 'POLICE_FORCE' });
  await givePoliceAgreement(services, 'READO');
  const other = await services.actingFor('READO', ['SYSTEM_INGEST']);
  await services.ingest.ingestBatch(
    other,
    'READO-CUSTODY',
    ndjson([{ ...witness.records[1], sourceRecordId: 'RO-A', person: { pncId: witness.pncId } }]),
  );
  // An application for deletion, a deletion notice (the disposal of a disregarded conviction deletes it), a case.
  const application = await services.retention.applyForDeletion(null, {
    applicantName: 'Testina Readwell',
    applicantDateOfBirth: '1990-01-01',
    contact: 'r@example.org',
    eventReference: chain.asn,
    grounds: 'Old matter',
  });
  ids.application = application.id;
  const key = async (roles: string[]) =>
    (await services.access.createApiKey({ organisationCode: 'READF', name: roles.join('+'), roles })).key;
  const keys = {
    read: await key(['SYSTEM_READ']),
    ingest: await key(['SYSTEM_INGEST']),
    admin: await key(['ADMINISTRATOR', 'PROTECTED_IDENTITY']),
    retention: await key(['RETENTION_OFFICER']),
    auditor: await key(['AUDITOR']),
  };
  const auditCase = await app.inject({
    method: 'POST',
    url: '/api/v1/audit/cases',
    headers: { 'x-api-key': keys.auditor },
    payload: { reason: 'Checking that every read is audited' },
  });
  const caseReference = auditCase.json().reference as string;
  const [other763] = await services.records.searchPeople(
    { ...force, purpose: 'INVESTIGATION' },
    { pncId: disregarded.pncId },
  );
  const officerDisposal = (
    await services.records.viewPerson({ ...force, purpose: 'INVESTIGATION' }, other763?.personId as string)
  ).events?.[0]?.disposals?.[0]?.disposalId as string;
  const retentionCtx = await services.actingFor('READF', ['RETENTION_OFFICER'], 'DATA_QUALITY');
  await services.retention.disregardConviction(retentionCtx, officerDisposal, 'Direction SoS/2026/1');
  const seq = await lastAuditSeq(services);

  const cookies = {
    officer: await signedIn('read.officer', ['OFFICER'], 'INVESTIGATION'),
    admin: await signedIn('read.admin', ['ADMINISTRATOR', 'PROTECTED_IDENTITY'], 'INVESTIGATION'),
    retention: await signedIn('read.retention', ['RETENTION_OFFICER'], 'DATA_QUALITY'),
    auditor: await signedIn('read.auditor', ['AUDITOR'], 'AUDIT'),
  };
  await app.inject({
    method: 'POST',
    url: '/audit/cases',
    headers: { cookie: cookies.auditor },
    payload: { reason: 'Checking that every page read is audited' },
  });
  const api = (key: string, purpose?: string, extra: Record<string, string> = {}) => ({
    'x-api-key': key,
    ...(purpose ? { 'x-leds-purpose': purpose } : {}),
    ...extra,
  });
  const person = `/api/v1/people/${ids.person}`;
  const add = (route: string, url: string, headers: Record<string, string>) =>
    fixtures.set(route, async () => ({ url, headers }));
  add('/api/v1/people', `/api/v1/people?pncId=${encodeURIComponent(chain.pncId)}`, api(keys.read, 'INVESTIGATION'));
  add('/api/v1/people/:personId', person, api(keys.read, 'INVESTIGATION'));
  for (const section of ['events', 'custody-images', 'biometric-references', 'missing-person-reports', 'associates'])
    add(`/api/v1/people/:personId/${section}`, `${person}/${section}`, api(keys.read, 'INVESTIGATION'));
  add(
    '/api/v1/people/:personId/custody-images/:imageId/content',
    `${person}/custody-images/${ids.image}/content`,
    api(keys.read, 'INVESTIGATION'),
  );
  add('/api/v1/ingest-batches/:batchId/lines', `/api/v1/ingest-batches/${ids.batch}/lines`, api(keys.ingest));
  add('/api/v1/held-records', '/api/v1/held-records', api(keys.admin));
  add('/api/v1/held-records/not-linked', '/api/v1/held-records/not-linked', api(keys.ingest));
  add('/api/v1/held-records/possible-duplicates', '/api/v1/held-records/possible-duplicates', api(keys.admin));
  add('/api/v1/deletion-notices', '/api/v1/deletion-notices', api(keys.ingest));
  add('/api/v1/deletion-notices.csv', '/api/v1/deletion-notices.csv', api(keys.ingest));
  add('/api/v1/retention/people/:id', `/api/v1/retention/people/${ids.person}`, api(keys.retention, 'DATA_QUALITY'));
  add('/api/v1/retention/due', '/api/v1/retention/due', api(keys.retention));
  add('/api/v1/retention/plan', '/api/v1/retention/plan?asOf=2040-01-01', api(keys.retention));
  add('/api/v1/deletion-applications/:id', `/api/v1/deletion-applications/${ids.application}`, api(keys.retention));
  const inCase = api(keys.auditor, 'AUDIT', { 'x-leds-case-reference': caseReference });
  add('/api/v1/audit/entries', `/api/v1/audit/entries?personId=${ids.person}`, inCase);
  add('/api/v1/audit/entries/:seq', `/api/v1/audit/entries/${seq}`, inCase);
  add('/api/v1/audit/patterns', '/api/v1/audit/patterns', inCase);
  add('/api/v1/audit/deleted-records/:id', `/api/v1/audit/deleted-records/${officerDisposal}`, inCase);
  add('/people/search', `/people/search?pncId=${encodeURIComponent(chain.pncId)}`, { cookie: cookies.officer });
  add('/people/:personId', `/people/${ids.person}`, { cookie: cookies.officer });
  add('/people/:personId/custody-images/:imageId', `/people/${ids.person}/custody-images/${ids.image}`, {
    cookie: cookies.officer,
  });
  add('/ingest-batches/:batchId', `/ingest-batches/${ids.batch}`, { cookie: cookies.admin });
  add('/held-records', '/held-records', { cookie: cookies.admin });
  add('/retention', '/retention', { cookie: cookies.retention });
  add('/retention/people/:id', `/retention/people/${ids.person}`, { cookie: cookies.retention });
  add('/retention/applications/:id', `/retention/applications/${ids.application}`, { cookie: cookies.retention });
  add('/deletion-notices', '/deletion-notices', { cookie: cookies.retention });
  add('/deletion-notices.csv', '/deletion-notices.csv', { cookie: cookies.retention });
  add('/audit/entries', `/audit/entries?personId=${ids.person}`, { cookie: cookies.auditor });
  add('/audit/entries/:seq', `/audit/entries/${seq}`, { cookie: cookies.auditor });
  add('/audit/patterns', '/audit/patterns', { cookie: cookies.auditor });
  add('/audit/deleted-records/:id', `/audit/deleted-records/${officerDisposal}`, { cookie: cookies.auditor });
});
after(async () => {
  await app.close();
  await services.close();
});

const signedIn = (username: string, roles: string[], purpose: string) =>
  signedInAs(app, services, { organisationCode: 'READF', username, roles, purpose });

describe('every read of person data is audited', () => {
  it('knows every GET route: each carries no person data, or is fetched below', () => {
    const routes = [...new Set(app.routeTable.filter((r) => r.method === 'GET').map((r) => r.url))];
    const unknown = routes.filter((r) => !(r in carriesNoPersonData) && !fixtures.has(r));
    assert.deepEqual(unknown, [], 'a GET route neither listed as carrying no person data nor fetched here');
    const gone = [...Object.keys(carriesNoPersonData), ...fixtures.keys()].filter((r) => !routes.includes(r));
    assert.deepEqual(gone, [], 'listed here but no longer a route');
  });

  it('writes an audit entry under the correlation id of every answer that carries person data', async () => {
    for (const [route, fixture] of fixtures) {
      const { url, headers } = await fixture();
      const before = await lastAuditSeq(services);
      const response = await app.inject({ method: 'GET', url, headers });
      assert.equal(response.statusCode, 200, `${route} answers (${response.body.slice(0, 200)})`);
      const correlationId = String(response.headers['x-correlation-id']);
      const entries = (await auditEntriesAfter(services, before)).filter((e) => e.correlationId === correlationId);
      assert.ok(entries.length > 0, `${route} wrote no audit entry`);
      assert.ok(
        entries.some((e) => e.shown !== null || /_(VIEWED|SEARCHED|PERFORMED|FETCHED)$/.test(e.kind)),
        `${route}: ${entries.map((e) => e.kind).join(', ')} records what was read`,
      );
    }
  });
});

describe('the audit log this file wrote', () => {
  it('verifies after every deletion above', async () => {
    await assertAuditLogVerifies(services);
  });
});
