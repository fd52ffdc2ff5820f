import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp } from '../src/app.ts';
import { cliContext } from '../src/cli/cli-context.ts';
import { apiKeys } from '../src/modules/access/access.tables.ts';
import { ndjson, personChain } from './support/records.ts';
import { givePoliceAgreement, startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
let ingestKey: string;
let readKey: string;
let jwksServer: Server;
let privateKey: CryptoKey;
let personId: string;
const chain = personChain(100);

const read = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { 'x-api-key': readKey, 'x-leds-purpose': 'INVESTIGATION', ...headers } });

before(async () => {
  // A real JWKS endpoint on loopback, as an identity provider would serve it.
  const keys = await generateKeyPair('ES256');
  privateKey = keys.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'ES256' };
  jwksServer = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const port = (jwksServer.address() as AddressInfo).port;
  services = await startTestServices({
    oidc: { issuer: 'https://idp.test', audience: 'leds', jwksUrl: `http://127.0.0.1:${port}/jwks` },
  });
  app = await buildApp(services, { logger: false });
  await services.access.createOrganisation({ code: 'APIFORCE', name: 'API Force', kind: 'POLICE_FORCE' });
  await givePoliceAgreement(services, 'APIFORCE');
  ingestKey = (
    await services.access.createApiKey({
      organisationCode: 'APIFORCE',
      name: 'custody system',
      roles: ['SYSTEM_INGEST'],
    })
  ).key;
  readKey = (
    await services.access.createApiKey({ organisationCode: 'APIFORCE', name: 'local search', roles: ['SYSTEM_READ'] })
  ).key;
  await services.access.createUser({
    organisationCode: 'APIFORCE',
    username: 'oidc.officer',
    displayName: 'OIDC Officer',
    oidcSubject: 'sub-123',
    roles: ['OFFICER'],
  });
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/ingest-batches?sourceSystem=API-CUSTODY',
    headers: { 'x-api-key': ingestKey, 'content-type': 'application/x-ndjson' },
    payload: ndjson(chain.records).join('\n'),
  });
  assert.equal(response.statusCode, 201, response.body);
  personId = (await read(`/api/v1/people?pncId=${encodeURIComponent(chain.pncId)}`)).json().people[0].personId;
});

after(async () => {
  await app.close();
  await services.close();
  jwksServer.close();
});

describe('authentication and purpose', () => {
  it('answers 401 with a problem document when no key is given', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}` });
    assert.equal(response.statusCode, 401);
    assert.match(response.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(response.json().code, 'ACCESS_UNAUTHENTICATED');
  });

  it('answers 401 for an unknown or revoked key', async () => {
    assert.equal((await read(`/api/v1/people/${personId}`, { 'x-api-key': 'leds_nope_nope' })).statusCode, 401);
    const { id, key } = await services.access.createApiKey({
      organisationCode: 'APIFORCE',
      name: 'old',
      roles: ['SYSTEM_READ'],
    });
    assert.equal((await read(`/api/v1/people/${personId}`, { 'x-api-key': key })).statusCode, 200);
    await services.apiKeys.revokeApiKey(await cliContext(services, 'APIFORCE', ['ADMINISTRATOR']), id);
    assert.equal((await read(`/api/v1/people/${personId}`, { 'x-api-key': key })).statusCode, 401);
  });

  it('trusts a verified key for the configured seconds only, when another process revokes it', async () => {
    const { id, key } = await services.access.createApiKey({
      organisationCode: 'APIFORCE',
      name: 'elsewhere',
      roles: ['SYSTEM_READ'],
    });
    assert.equal((await read(`/api/v1/people/${personId}`, { 'x-api-key': key })).statusCode, 200);
    await services.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
    assert.equal((await read(`/api/v1/people/${personId}`, { 'x-api-key': key })).statusCode, 200);
    services.clock.set(new Date(services.clock.now().getTime() + (services.config.apiKeyCacheSeconds + 1) * 1000));
    assert.equal((await read(`/api/v1/people/${personId}`, { 'x-api-key': key })).statusCode, 401);
  });

  it('refuses a person read without a declared purpose, and with an unknown one', async () => {
    const none = await app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: { 'x-api-key': readKey },
    });
    assert.equal(none.statusCode, 400);
    assert.equal(none.json().code, 'ACCESS_PURPOSE_REQUIRED');
    const unknown = await read(`/api/v1/people/${personId}`, { 'x-leds-purpose': 'CURIOSITY' });
    assert.equal(unknown.json().code, 'ACCESS_PURPOSE_UNKNOWN');
  });

  it('answers a caller whose role may not view people exactly as for a person who does not exist', async () => {
    const denied = await read(`/api/v1/people/${personId}`, { 'x-api-key': ingestKey });
    const missing = await read('/api/v1/people/00000000-0000-4000-8000-000000000000');
    assert.equal(denied.statusCode, 404);
    assert.deepEqual({ ...(denied.json() as object), instance: '' }, { ...(missing.json() as object), instance: '' });
    const search = await read('/api/v1/people?surname=Examplar100&forename=T', { 'x-api-key': ingestKey });
    assert.equal(search.statusCode, 403);
    assert.equal(search.json().code, 'ACCESS_DENIED');
  });

  it('accepts an identity provider token verified against its JWKS, and refuses a forged one', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setSubject('sub-123')
      .setIssuer('https://idp.test')
      .setAudience('leds')
      .setExpirationTime('5m')
      .sign(privateKey);
    const ok = await app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: { authorization: `Bearer ${token}`, 'x-leds-purpose': 'INVESTIGATION' },
    });
    assert.equal(ok.statusCode, 200);
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setSubject('sub-123')
      .setIssuer('https://idp.test')
      .setAudience('leds')
      .setExpirationTime('5m')
      .sign(other.privateKey);
    const refused = await app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: { authorization: `Bearer ${forged}`, 'x-leds-purpose': 'INVESTIGATION' },
    });
    assert.equal(refused.statusCode, 401);
  });

  it('returns the correlation id it was given', async () => {
    const response = await read(`/api/v1/people/${personId}`, { 'x-correlation-id': 'force-trace-0001' });
    assert.equal(response.headers['x-correlation-id'], 'force-trace-0001');
  });
});

describe('people', () => {
  it("returns a person's whole record, its events, images and biometric references", async () => {
    const record = (await read(`/api/v1/people/${personId}`)).json();
    assert.equal(record.personId, personId);
    assert.equal(record.identifiers.find((i: { type: string }) => i.type === 'PNC_ID').value, chain.pncId);
    assert.equal((await read(`/api/v1/people/${personId}/events`)).json().events[0].asn, chain.asn);
    const images = (await read(`/api/v1/people/${personId}/custody-images`)).json().custodyImages;
    assert.equal(images.length, 1);
    const content = await read(`/api/v1/people/${personId}/custody-images/${images[0].imageId}/content`);
    assert.equal(content.statusCode, 200);
    assert.equal(content.headers['content-type'], 'image/png');
    assert.equal(
      (await read(`/api/v1/people/${personId}/biometric-references`)).json().biometricReferences[0].identityConfirmed,
      true,
    );
  });

  it('finds people by PNC ID short form, CRO number, name, alias and date of birth', async () => {
    const short = chain.pncId.replace('2019/', '19/');
    assert.equal((await read(`/api/v1/people?pncId=${encodeURIComponent(short)}`)).json().people[0].personId, personId);
    assert.equal(
      (await read(`/api/v1/people?croNumber=${encodeURIComponent(chain.croNumber)}`)).json().people[0].personId,
      personId,
    );
    assert.equal((await read('/api/v1/people?surname=examplar100&forename=test')).json().people[0].personId, personId);
    const alias = (await read('/api/v1/people?surname=PLACEHOLDER&forename=Tess&dateOfBirth=1990-04-02')).json().people;
    assert.equal(alias.find((p: { personId: string }) => p.personId === personId)?.matchedAlias, 'Tess Placeholder');
    assert.equal((await read('/api/v1/people?surname=Examplar100&dateOfBirth=1990-04-03')).json().people.length, 0);
  });

  it('answers 404 alike for an unknown person and a malformed id', async () => {
    const unknown = await read('/api/v1/people/00000000-0000-4000-8000-000000000000');
    const malformed = await read('/api/v1/people/not-a-person');
    assert.equal(unknown.statusCode, 404);
    assert.equal(malformed.statusCode, 404);
    assert.equal(unknown.json().detail, malformed.json().detail);
  });
});

describe('bad input', () => {
  it('names the field when an identifier fails its check character', async () => {
    const response = await read('/api/v1/people?pncId=2004/0123456C');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().code, 'RECORDS_INVALID_IDENTIFIER');
    assert.equal(response.json().errors[0].field, 'pncId');
  });

  it('names unknown query fields and asks for enough search criteria', async () => {
    const unknown = await read('/api/v1/people?surname=Smith&shoeSize=9');
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json().errors, [{ field: '/querystring/shoeSize', message: 'is not a known field' }]);
    const thin = await read('/api/v1/people?surname=Smith');
    assert.equal(thin.json().code, 'RECORDS_SEARCH_CRITERIA_REQUIRED');
    const date = await read('/api/v1/people?surname=Smith&dateOfBirth=1990-13-45');
    assert.equal(date.json().errors[0].field, '/querystring/dateOfBirth');
  });

  it('rejects malformed JSON, unknown fields, wrong types and oversized bodies, and changes nothing stored', async () => {
    const before = (await read(`/api/v1/people/${personId}`)).body;
    const post = (payload: string, contentType = 'application/json') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/records?sourceSystem=API-CUSTODY',
        headers: { 'x-api-key': ingestKey, 'content-type': contentType },
        payload,
      });
    const person = chain.records[0] as Record<string, unknown>;

    const malformed = await post('{"kind": "person", ');
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().code, 'REQUEST_MALFORMED_JSON');

    const unknownField = await post(JSON.stringify({ ...person, nationality: 'Changed', favouriteColour: 'blue' }));
    assert.equal(unknownField.statusCode, 422);
    assert.deepEqual(unknownField.json().errors, [{ field: '/body/favouriteColour', message: 'is not a known field' }]);

    const wrongType = await post(
      JSON.stringify({ ...person, nationality: 'Changed', description: { heightCm: 'tall' } }),
    );
    assert.equal(wrongType.statusCode, 422);
    assert.equal(wrongType.json().errors[0].field, '/body/description/heightCm');

    const badIdentifier = await post(
      JSON.stringify({ ...person, nationality: 'Changed', identifiers: [{ type: 'PNC_ID', value: '2004/0123456C' }] }),
    );
    assert.equal(badIdentifier.statusCode, 422);
    assert.equal(badIdentifier.json().errors[0].field, '/body/identifiers/0/value');

    const oversized = await post(
      JSON.stringify({ ...person, nationality: 'x'.repeat(services.config.bodyLimitBytes) }),
    );
    assert.equal(oversized.statusCode, 413);
    assert.equal(oversized.json().code, 'REQUEST_BODY_TOO_LARGE');

    const wrongMedia = await app.inject({
      method: 'POST',
      url: '/api/v1/ingest-batches?sourceSystem=API-CUSTODY',
      headers: { 'x-api-key': ingestKey, 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(wrongMedia.statusCode, 415);

    const noSource = await app.inject({
      method: 'POST',
      url: '/api/v1/records',
      headers: { 'x-api-key': ingestKey, 'content-type': 'application/json' },
      payload: JSON.stringify(person),
    });
    assert.equal(noSource.statusCode, 400);
    assert.equal(noSource.json().errors[0].field, '/querystring/sourceSystem');

    assert.equal((await read(`/api/v1/people/${personId}`)).body, before);
  });

  it('stores one record at a time and says whether it was created, updated or unchanged', async () => {
    const post = (record: unknown) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/records?sourceSystem=API-CUSTODY',
        headers: { 'x-api-key': ingestKey },
        payload: record as object,
      });
    const marker = {
      kind: 'marker',
      sourceRecordId: 'T100-M9',
      person: { pncId: chain.pncId },
      markerType: 'INFORMATION_MARKER',
      code: 'DR',
      description: 'Drugs',
      reviewDue: '2027-06-01',
    };
    assert.equal((await post(marker)).statusCode, 201);
    assert.equal((await post(marker)).json().line.outcome, 'UNCHANGED');
    const updated = await post({ ...marker, reviewDue: '2027-07-01' });
    assert.equal(updated.statusCode, 200);
    assert.equal(updated.json().line.outcome, 'UPDATED');
  });
});

describe('ingest batch reports', () => {
  it('reports each rejected line with its number and field, and pages the lines', async () => {
    const next = personChain(101);
    const payload = [...ndjson(next.records.slice(0, 2)), '{"kind":"arrest"}'].join('\n');
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/ingest-batches?sourceSystem=API-CUSTODY',
      headers: { 'x-api-key': ingestKey, 'content-type': 'application/x-ndjson' },
      payload,
    });
    assert.equal(response.statusCode, 201);
    const { batch, rejectedLines } = response.json();
    assert.equal(batch.createdCount, 2);
    assert.equal(rejectedLines[0].lineNumber, 3);
    assert.ok(rejectedLines[0].problems.some((p: { field: string }) => p.field === '/sourceRecordId'));
    const report = await app.inject({
      method: 'GET',
      url: `/api/v1/ingest-batches/${batch.batchId}`,
      headers: { 'x-api-key': ingestKey },
    });
    assert.equal(report.json().rejectedCount, 1);
    const lines = await app.inject({
      method: 'GET',
      url: `/api/v1/ingest-batches/${batch.batchId}/lines?outcome=CREATED&limit=1&offset=1`,
      headers: { 'x-api-key': ingestKey },
    });
    assert.deepEqual(
      lines.json().lines.map((l: { lineNumber: number }) => l.lineNumber),
      [2],
    );
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/ingest-batches',
      headers: { 'x-api-key': ingestKey },
    });
    assert.ok(list.json().batches.some((b: { batchId: string }) => b.batchId === batch.batchId));
  });
});

describe('service documents', () => {
  it('serves an OpenAPI document listing the resources, and a docs page', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const route of ['/api/v1/people', '/api/v1/people/{personId}', '/api/v1/ingest-batches', '/api/v1/records'])
      assert.ok(doc.paths[route], route);
    assert.equal((await app.inject({ method: 'GET', url: '/api/docs/' })).statusCode, 200);
  });

  it('answers health and readiness', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/health/live' })).json().status, 'ok');
    assert.equal((await app.inject({ method: 'GET', url: '/health/ready' })).json().status, 'ready');
  });

  it('answers an unknown API path with a problem document', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/vehicles' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, 'REQUEST_NOT_FOUND');
  });
});
