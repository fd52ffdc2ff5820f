import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp } from '../src/app.ts';
import { webSessions } from '../src/modules/access/access.tables.ts';
import { AccessService } from '../src/modules/access/index.ts';
import { auditEntries } from '../src/modules/audit/audit.tables.ts';
import type { AuditEntryBody } from '../src/modules/audit/index.ts';
import { isLedsError } from '../src/platform/errors.ts';
import type { RequestContext } from '../src/platform/request-context.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { testDatabaseKind } from './support/database.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
let signingKey: CryptoKey;
let adminA: RequestContext;
let adminB: RequestContext;
let officerA: RequestContext;
const password = 'a-long-test-password';
const unknownId = '00000000-0000-4000-8000-000000000000';

/** Another LEDS process over the same database: its own cache of verified keys, the same (fixed) clock. */
const otherProcess = (apiKeyCacheSeconds: number) =>
  new AccessService(services.database.db, services.clock, services.auditTrail, {
    sessionHours: 8,
    apiKeyCacheSeconds,
    oidc: undefined,
  });

const advance = (ms: number) => services.clock.set(new Date(services.clock.now().getTime() + ms));

/** What an API call with this key gets: 200, or 401 once the key no longer works. */
const apiStatus = async (key: string) =>
  (await app.inject({ method: 'GET', url: '/api/v1/ingest-batches', headers: { 'x-api-key': key } })).statusCode;

const newKey = (organisationCode: string, name: string) =>
  services.access.createApiKey({ organisationCode, name, roles: ['SYSTEM_INGEST'] });

/** The audit entries of a kind about one key or user (matched on a field of the details). */
async function audited(kind: string, field: string, value: string): Promise<AuditEntryBody[]> {
  const rows = await services.database.db.select().from(auditEntries).where(eq(auditEntries.kind, kind));
  return rows.map((r) => JSON.parse(r.entry) as AuditEntryBody).filter((e) => e.details[field] === value);
}

/** Runs a use case that must be refused, and returns the error code. */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isLedsError(error)) return error.code;
    throw error;
  }
  assert.fail('the use case was expected to be refused');
}

function cookieFrom(response: LightMyRequestResponse): string {
  const raw = response.headers['set-cookie'];
  const first = Array.isArray(raw) ? raw[0] : raw;
  assert.ok(first, 'a session cookie was set');
  return first.split(';')[0] as string;
}

const signInResponse = (username: string) =>
  app.inject({ method: 'POST', url: '/sign-in', payload: { username, password, next: '/purpose' } });

async function signIn(username: string): Promise<string> {
  const response = await signInResponse(username);
  assert.equal(response.statusCode, 302, `${username} signs in`);
  return cookieFrom(response);
}

const page = (cookie: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
const post = (cookie: string, url: string, payload: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { cookie }, payload });

/** A page without what differs between any two requests (the correlation id, the script nonce). */
const withoutReference = (body: string) =>
  body.replace(/urn:leds:correlation:[^<\s]+/g, '').replace(/nonce="[^"]+"/g, '');

async function addUser(organisationCode: string, username: string, roles: string[], oidcSubject?: string) {
  return services.access.createUser({
    organisationCode,
    username,
    displayName: `${username} (test)`,
    password,
    roles,
    oidcSubject,
  });
}

before(async () => {
  const keys = await generateKeyPair('ES256');
  signingKey = keys.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'credentials-test', alg: 'ES256' };
  services = await startTestServices(
    { oidc: { issuer: 'https://idp.test', audience: 'leds', jwksUrl: 'http://127.0.0.1:1/unused' } },
    { jwks: createLocalJWKSet({ keys: [jwk] }) },
  );
  app = await buildApp(services, { logger: false });
  adminA = await services.actingFor('CREDA', ['ADMINISTRATOR']);
  officerA = await services.actingFor('CREDA', ['OFFICER']);
  adminB = await services.actingFor('CREDB', ['ADMINISTRATOR']);
  await addUser('CREDA', 'a.admin', ['ADMINISTRATOR']);
  await addUser('CREDA', 'a.officer', ['OFFICER']);
  await addUser('CREDA', 'a.leaver', ['OFFICER'], 'sub-a-leaver');
  await addUser('CREDA', 'a.mover', ['INVESTIGATOR']);
  await addUser('CREDB', 'b.admin', ['ADMINISTRATOR']);
  await addUser('CREDB', 'b.officer', ['OFFICER']);
});
after(async () => {
  await app.close();
  await services.close();
});

describe(`revoking an API key on ${testDatabaseKind}`, () => {
  it('refuses the key at once in the revoking process, and audits the revocation with the key named', async () => {
    const { id, key } = await newKey('CREDA', 'custody system');
    assert.equal(await apiStatus(key), 200);
    const revoked = await services.apiKeys.revokeApiKey(adminA, id);
    assert.equal(revoked.state, 'REVOKED');
    assert.equal(await apiStatus(key), 401);
    const [entry] = await audited('API_KEY_REVOKED', 'apiKeyId', id);
    assert.equal(entry?.action, 'api-key.revoke');
    assert.equal(entry?.organisation?.code, 'CREDA');
    assert.deepEqual(entry?.reasons, ['administrators-manage-their-own-organisations-credentials']);
    assert.equal(entry?.details.keyPrefix, revoked.keyPrefix);
    assert.equal(entry?.details.name, 'custody system');
  });

  it('is trusted by another process for at most LEDS_API_KEY_CACHE_SECONDS after it verified the key', async () => {
    const { id, key } = await newKey('CREDA', 'elsewhere');
    const other = otherProcess(10);
    assert.ok(await other.authenticateApiKey(key));
    await services.apiKeys.revokeApiKey(adminA, id);
    assert.equal(await apiStatus(key), 401, 'refused at once where it was revoked');
    advance(9_999);
    assert.ok(await other.authenticateApiKey(key), 'the other process still trusts its cached verification');
    advance(1);
    assert.equal(await other.authenticateApiKey(key), undefined, 'and asks again once the cache time is over');
  });

  it('finds a key by its prefix, and refuses a second revocation without overwriting the first', async () => {
    const { key } = await newKey('CREDA', 'by prefix');
    const prefix = key.split('_')[1] as string;
    const first = await services.apiKeys.revokeApiKey(adminA, prefix);
    advance(60_000);
    assert.equal(await refusal(() => services.apiKeys.revokeApiKey(adminA, prefix)), 'ACCESS_CREDENTIAL_STATE');
    const stored = (await services.apiKeys.listApiKeys(adminA)).find((k) => k.keyPrefix === prefix);
    assert.equal(stored?.revokedAt?.toISOString(), first.revokedAt?.toISOString());
    assert.equal((await audited('API_KEY_REVOKED', 'keyPrefix', prefix)).length, 1);
  });

  it("answers another organisation's key, a caller without the role and an unknown key alike, and audits why", async () => {
    const { id, key } = await newKey('CREDA', 'out of reach');
    const fromB = await refusal(() => services.apiKeys.revokeApiKey(adminB, id));
    const byOfficer = await refusal(() => services.apiKeys.rotateApiKey(officerA, id, 1));
    const unknown = await refusal(() => services.apiKeys.revokeApiKey(adminB, unknownId));
    assert.deepEqual([fromB, byOfficer, unknown], Array(3).fill('ACCESS_CREDENTIAL_NOT_FOUND'));
    await assert.rejects(services.apiKeys.revokeApiKey(adminB, id), { message: `no api key \`${id}\`` });
    await assert.rejects(services.apiKeys.revokeApiKey(adminB, unknownId), { message: `no api key \`${unknownId}\`` });
    assert.equal(await apiStatus(key), 200, 'the key still works');
    const refused = await audited('ACCESS_REFUSED', 'apiKeyRef', id);
    assert.ok(refused.length >= 3);
    assert.ok(refused.every((e) => e.outcome === 'DENIED' && e.action === 'credential.manage'));
    const [missing] = await audited('ACCESS_REFUSED', 'apiKeyRef', unknownId);
    assert.equal(missing?.outcome, 'FAILED');
  });

  it('refuses to list the keys of a caller who is not an administrator', async () => {
    assert.equal(await refusal(() => services.apiKeys.listApiKeys(officerA)), 'ACCESS_DENIED');
    const keysOfB = await services.apiKeys.listApiKeys(adminB);
    assert.ok(keysOfB.every((k) => k.organisationCode === 'CREDB'));
  });
});

describe(`rotating an API key on ${testDatabaseKind}`, () => {
  it('keeps both keys working through the overlap, then only the successor, with the same name and roles', async () => {
    const { id, key } = await newKey('CREDA', 'rotated system');
    assert.equal(await apiStatus(key), 200);
    const rotation = await services.apiKeys.rotateApiKey(adminA, id, 2);
    assert.match(rotation.key, /^leds_[A-Za-z0-9]+_[A-Za-z0-9_-]+$/);
    assert.equal(rotation.rotated.state, 'EXPIRING');
    assert.equal(rotation.rotated.expiresAt?.getTime(), services.clock.now().getTime() + 2 * 3600_000);
    assert.equal(await apiStatus(key), 200);
    assert.equal(await apiStatus(rotation.key), 200);
    const listed = await services.apiKeys.listApiKeys(adminA);
    const successor = listed.find((k) => k.id === rotation.successor.id);
    assert.deepEqual(
      { name: successor?.name, roles: successor?.roles, state: successor?.state },
      { name: 'rotated system', roles: ['SYSTEM_INGEST'], state: 'ACTIVE' },
    );
    advance(2 * 3600_000 - 1);
    assert.equal(await apiStatus(key), 200, 'the old key works until the last moment of the overlap');
    advance(1);
    assert.equal(await apiStatus(key), 401, 'and not after it');
    assert.equal(await apiStatus(rotation.key), 200);
    assert.equal((await services.apiKeys.listApiKeys(adminA)).find((k) => k.id === id)?.state, 'EXPIRED');
    const [rotated] = await audited('API_KEY_ROTATED', 'apiKeyId', id);
    assert.equal(rotated?.details.successorApiKeyId, rotation.successor.id);
    assert.equal(rotated?.details.overlapHours, 2);
    assert.equal(rotated?.details.expiresAt, rotation.rotated.expiresAt?.toISOString());
    const [created] = await audited('API_KEY_CREATED', 'apiKeyId', rotation.successor.id);
    assert.equal(created?.details.rotatedFrom, id);
    assert.equal(created?.correlationId, rotated?.correlationId);
  });

  it('with no overlap stops the old key at once, even one this process had verified', async () => {
    const { id, key } = await newKey('CREDA', 'no overlap');
    assert.equal(await apiStatus(key), 200);
    const rotation = await services.apiKeys.rotateApiKey(adminA, id, 0);
    assert.equal(await apiStatus(key), 401);
    assert.equal(await apiStatus(rotation.key), 200);
    assert.equal(rotation.rotated.state, 'EXPIRED');
  });

  it('is never trusted from another process’s cache past the end of its overlap', async () => {
    const { id, key } = await newKey('CREDA', 'long cache');
    const other = otherProcess(7200);
    await services.apiKeys.rotateApiKey(adminA, id, 1);
    assert.ok(await other.authenticateApiKey(key), 'verified and cached during the overlap');
    advance(3600_000);
    assert.equal(await other.authenticateApiKey(key), undefined, 'the cache would keep it two hours; expiry wins');
  });

  it('refuses a negative overlap, one over the maximum, a fraction and a second rotation, keeping what is stored', async () => {
    const { id, key } = await newKey('CREDA', 'bad overlaps');
    const before = (await services.apiKeys.listApiKeys(adminA)).length;
    const max = services.config.apiKeyRotationMaxOverlapHours;
    assert.equal(max, 168);
    for (const hours of [-1, max + 1, 1.5, Number.NaN]) {
      assert.equal(
        await refusal(() => services.apiKeys.rotateApiKey(adminA, id, hours)),
        'ACCESS_ROTATION_OVERLAP_INVALID',
      );
    }
    await assert.rejects(services.apiKeys.rotateApiKey(adminA, id, -1), {
      message: 'the overlap must be a whole number of hours from 0 to 168, got `-1`',
    });
    const unchanged = await services.apiKeys.listApiKeys(adminA);
    assert.equal(unchanged.length, before);
    assert.equal(unchanged.find((k) => k.id === id)?.state, 'ACTIVE');
    assert.equal(await apiStatus(key), 200);
    await services.apiKeys.rotateApiKey(adminA, id, max);
    assert.equal(await refusal(() => services.apiKeys.rotateApiKey(adminA, id, 1)), 'ACCESS_CREDENTIAL_STATE');
    assert.equal((await services.apiKeys.listApiKeys(adminA)).length, before + 1, 'one successor only');
    assert.equal((await audited('API_KEY_ROTATED', 'apiKeyId', id)).length, 1);
    await services.apiKeys.revokeApiKey(adminA, id);
    assert.equal(await apiStatus(key), 401, 'revoking ends the overlap early');
  });
});

describe(`disabling a user on ${testDatabaseKind}`, () => {
  it('ends their sessions and bearer access at once, refuses sign-in, and lets them in again when enabled', async () => {
    const cookie = await signIn('a.leaver');
    assert.equal((await page(cookie, '/purpose')).statusCode, 200);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'credentials-test' })
      .setSubject('sub-a-leaver')
      .setIssuer('https://idp.test')
      .setAudience('leds')
      .setExpirationTime('5m')
      .sign(signingKey);
    assert.ok(await services.access.authenticateBearer(token));

    const { user, sessionsEnded } = await services.userAccounts.disableUser(adminA, 'a.leaver');
    assert.equal(sessionsEnded, 1);
    const sent = await page(cookie, '/purpose');
    assert.equal(sent.statusCode, 302);
    assert.match(sent.headers.location as string, /^\/sign-in\?next=/);
    assert.equal(await services.access.authenticateBearer(token), undefined);
    assert.equal((await signInResponse('a.leaver')).statusCode, 400);
    const rows = await services.database.db.select().from(webSessions).where(eq(webSessions.userId, user.id));
    assert.equal(rows.length, 0);
    const [disabled] = await audited('USER_DISABLED', 'userId', user.id);
    assert.equal(disabled?.details.username, 'a.leaver');
    assert.equal(disabled?.organisation?.code, 'CREDA');
    const [ended] = await audited('USER_SESSIONS_ENDED', 'userId', user.id);
    assert.equal(ended?.details.sessions, 1);
    assert.equal(ended?.correlationId, disabled?.correlationId);

    await services.userAccounts.enableUser(adminA, user.id);
    assert.ok(await services.access.authenticateBearer(token));
    const again = await signIn('a.leaver');
    assert.equal((await page(again, '/purpose')).statusCode, 200);
    assert.equal((await audited('USER_ENABLED', 'userId', user.id)).length, 1);
  });

  it('refuses to disable twice, to enable an active user, and answers another organisation’s user as unknown', async () => {
    await services.userAccounts.disableUser(adminA, 'a.mover');
    assert.equal(await refusal(() => services.userAccounts.disableUser(adminA, 'a.mover')), 'ACCESS_CREDENTIAL_STATE');
    await services.userAccounts.enableUser(adminA, 'a.mover');
    assert.equal(await refusal(() => services.userAccounts.enableUser(adminA, 'a.mover')), 'ACCESS_CREDENTIAL_STATE');
    assert.equal(
      await refusal(() => services.userAccounts.disableUser(adminB, 'a.mover')),
      'ACCESS_CREDENTIAL_NOT_FOUND',
    );
    assert.equal(
      await refusal(() => services.userAccounts.disableUser(adminB, 'nobody.at.all')),
      'ACCESS_CREDENTIAL_NOT_FOUND',
    );
    assert.ok((await services.userAccounts.listUsers(adminA)).find((u) => u.username === 'a.mover')?.active);
  });
});

describe(`the administrator's page of users and API keys on ${testDatabaseKind}`, () => {
  it("shows the link and the page to administrators only, with their own organisation's users and keys", async () => {
    const { key } = await newKey('CREDA', 'page listed');
    const admin = await signIn('a.admin');
    const listing = await page(admin, '/admin/credentials');
    assert.equal(listing.statusCode, 200);
    assert.match(listing.body, /href="\/admin\/credentials"/);
    assert.ok(listing.body.includes('data-testid="user-a.officer"'));
    assert.ok(listing.body.includes(`data-testid="api-key-${key.split('_')[1]}"`));
    assert.ok(!listing.body.includes('b.officer'), "no other organisation's users");
    assert.ok(!listing.body.includes(key), 'never a secret');
    const officer = await signIn('a.officer');
    assert.equal((await page(officer, '/admin/credentials')).statusCode, 404);
    assert.doesNotMatch((await page(officer, '/purpose')).body, /href="\/admin\/credentials"/);
    assert.equal((await app.inject({ method: 'GET', url: '/admin/credentials' })).statusCode, 302);
  });

  it('revokes a key, disables and enables a user, each with a success banner', async () => {
    const { id, key } = await newKey('CREDA', 'revoked on the page');
    const admin = await signIn('a.admin');
    const revoked = await post(admin, `/admin/credentials/api-keys/${id}/revoke`);
    assert.equal(revoked.statusCode, 302);
    assert.equal(await apiStatus(key), 401);
    const shown = await page(admin, revoked.headers.location as string);
    assert.match(shown.body, /govuk-notification-banner--success/);
    assert.match(shown.body, /API key ‘revoked on the page’ \([A-Za-z0-9]+\) revoked/);
    assert.equal((await post(admin, `/admin/credentials/api-keys/${id}/revoke`)).statusCode, 409);

    const mover = (await services.userAccounts.listUsers(adminA)).find((u) => u.username === 'a.mover');
    const moverCookie = await signIn('a.mover');
    const disabled = await post(admin, `/admin/credentials/users/${mover?.id}/disable`);
    assert.equal(disabled.statusCode, 302);
    assert.match(
      (await page(admin, disabled.headers.location as string)).body,
      /User a\.mover \(test\) \(a\.mover\) disabled/,
    );
    assert.match((await page(moverCookie, '/purpose')).headers.location as string, /^\/sign-in/);
    const enabled = await post(admin, `/admin/credentials/users/${mover?.id}/enable`);
    assert.match(
      (await page(admin, enabled.headers.location as string)).body,
      /User a\.mover \(test\) \(a\.mover\) enabled/,
    );
    await signIn('a.mover');

    const self = (await services.userAccounts.listUsers(adminA)).find((u) => u.username === 'a.admin');
    const lockout = await post(admin, `/admin/credentials/users/${self?.id}/disable`);
    assert.equal(lockout.statusCode, 400);
    assert.match(lockout.body, /you cannot disable your own account/);
  });

  it('rotates a key with the overlap entered, shows the new key once, and names bad overlaps', async () => {
    const { id, key } = await newKey('CREDA', 'rotated on the page');
    const admin = await signIn('a.admin');
    const form = await page(admin, `/admin/credentials/api-keys/${id}/rotate`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /From 0 to 168 hours/);
    for (const overlapHours of ['', 'soon', '-1', '169']) {
      const bad = await post(admin, `/admin/credentials/api-keys/${id}/rotate`, { overlapHours });
      assert.equal(bad.statusCode, 400, `overlap \`${overlapHours}\``);
      assert.match(bad.body, /govuk-error-summary/);
      assert.match(bad.body, /href="#overlapHours"/);
    }
    const repeated = await app.inject({
      method: 'POST',
      url: `/admin/credentials/api-keys/${id}/rotate`,
      headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'overlapHours=1&overlapHours=2',
    });
    assert.equal(repeated.statusCode, 400, 'a repeated field is one bad overlap, not a failure');
    assert.equal(await apiStatus(key), 200, 'nothing changed');
    const done = await post(admin, `/admin/credentials/api-keys/${id}/rotate`, { overlapHours: '24' });
    assert.equal(done.statusCode, 200);
    assert.equal(done.headers['cache-control'], 'no-store');
    assert.match(done.body, /This key will not be shown again/);
    const successor = /data-testid="new-api-key">(leds_[A-Za-z0-9]+_[A-Za-z0-9_-]+)</.exec(done.body)?.[1];
    assert.ok(successor, 'the new key is on the page');
    assert.equal(await apiStatus(successor), 200);
    assert.equal(await apiStatus(key), 200, 'the old key works during the overlap');
    const listing = await page(admin, '/admin/credentials');
    assert.ok(!listing.body.includes(successor), 'and is not shown again');
    assert.match(listing.body, /Expires \d+ \w+ \d{4} at \d\d:\d\d|Expires \d+ \w+ \d{4}, \d\d:\d\d/);
  });

  it("answers another organisation's keys and users, and a caller without the role, exactly as unknown ones", async () => {
    const { id: keyOfB, key } = await newKey('CREDB', 'system of B');
    const userOfB = (await services.userAccounts.listUsers(adminB)).find((u) => u.username === 'b.officer');
    const admin = await signIn('a.admin');
    const unknownKey = await post(admin, `/admin/credentials/api-keys/${unknownId}/revoke`);
    const otherKey = await post(admin, `/admin/credentials/api-keys/${keyOfB}/revoke`);
    assert.equal(otherKey.statusCode, 404);
    assert.equal(withoutReference(otherKey.body), withoutReference(unknownKey.body));
    assert.equal((await page(admin, `/admin/credentials/api-keys/${keyOfB}/rotate`)).statusCode, 404);
    const rotateOther = await post(admin, `/admin/credentials/api-keys/${keyOfB}/rotate`, { overlapHours: '0' });
    assert.equal(rotateOther.statusCode, 404);
    const unknownUser = await post(admin, `/admin/credentials/users/${unknownId}/disable`);
    const otherUser = await post(admin, `/admin/credentials/users/${userOfB?.id}/disable`);
    assert.equal(otherUser.statusCode, 404);
    assert.equal(withoutReference(otherUser.body), withoutReference(unknownUser.body));
    // A NUL in the id cannot be stored, so the edge refuses it as that field's 400 before anything is looked up.
    for (const url of ['/admin/credentials/api-keys/%00/revoke', '/admin/credentials/users/a%00b/disable'])
      assert.equal((await post(admin, url)).statusCode, 400, `${url} names nothing`);
    assert.equal(await apiStatus(key), 200, "B's key still works");
    assert.ok((await services.userAccounts.listUsers(adminB)).find((u) => u.id === userOfB?.id)?.active);

    const { id: keyOfA, key: keyA } = await newKey('CREDA', 'not for officers');
    const officer = await signIn('a.officer');
    const byOfficer = await post(officer, `/admin/credentials/api-keys/${keyOfA}/revoke`);
    const nowhere = await post(officer, `/admin/credentials/api-keys/${unknownId}/revoke`);
    assert.equal(byOfficer.statusCode, 404);
    assert.equal(withoutReference(byOfficer.body), withoutReference(nowhere.body));
    assert.equal(await apiStatus(keyA), 200);
  });
});

describe('audit', () => {
  it('verifies the audit log after every change above', async () => {
    await assertAuditLogVerifies(services);
  });
});
