import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { ndjson, personChain } from './support/records.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
const chain = personChain(200);
const password = 'a-long-test-password';

function cookieFrom(response: LightMyRequestResponse): string {
  const raw = response.headers['set-cookie'];
  const first = Array.isArray(raw) ? raw[0] : raw;
  assert.ok(first, 'a session cookie was set');
  return first.split(';')[0] as string;
}

async function signIn(username = 'web.officer'): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    payload: { username, password, next: '/people/search' },
  });
  assert.equal(response.statusCode, 302);
  return cookieFrom(response);
}

async function declare(cookie: string, purpose = 'INVESTIGATION') {
  const response = await app.inject({
    method: 'POST',
    url: '/purpose',
    headers: { cookie },
    payload: { purpose, caseReference: 'OP-TEST/1', next: '/people/search' },
  });
  assert.equal(response.statusCode, 302);
  assert.equal(response.headers.location, '/people/search');
}

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  const force = await services.actingFor('WEBFORCE', ['SYSTEM_INGEST']);
  await services.ingest.ingestBatch(force, 'WEB-CUSTODY', ndjson(chain.records));
  await services.access.createUser({
    organisationCode: 'WEBFORCE',
    username: 'web.officer',
    displayName: 'Web Officer',
    password,
    roles: ['OFFICER'],
  });
  await services.access.createUser({
    organisationCode: 'WEBFORCE',
    username: 'web.auditor',
    displayName: 'Web Auditor',
    password,
    roles: ['AUDITOR'],
  });
});
after(async () => {
  await app.close();
  await services.close();
});

describe('sign-in and purpose', () => {
  it('sends a visitor to sign in, and shows an error summary for a wrong password', async () => {
    const home = await app.inject({ method: 'GET', url: '/people/search' });
    assert.equal(home.statusCode, 302);
    assert.match(home.headers.location as string, /^\/sign-in\?next=/);
    const wrong = await app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { username: 'web.officer', password: 'wrong-password-here' },
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /govuk-error-summary/);
    assert.match(wrong.body, /The username or password is wrong/);
    const empty = await app.inject({ method: 'POST', url: '/sign-in', payload: {} });
    assert.match(empty.body, /href="#username"/);
  });

  it('asks for a purpose before any person page, and shows it once declared', async () => {
    const cookie = await signIn();
    const search = await app.inject({ method: 'GET', url: '/people/search', headers: { cookie } });
    assert.equal(search.statusCode, 302);
    assert.match(search.headers.location as string, /^\/purpose\?next=/);
    const missing = await app.inject({
      method: 'POST',
      url: '/purpose',
      headers: { cookie },
      payload: { next: '/people/search' },
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Select the purpose of your work/);
    await declare(cookie);
    const page = await app.inject({ method: 'GET', url: '/people/search', headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /Working for <strong data-testid="declared-purpose">Criminal investigation<\/strong>, case OP-TEST\/1/,
    );
  });

  it('does not follow a next link to another site', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { username: 'web.officer', password, next: '//evil.example/' },
    });
    assert.equal(response.headers.location, `/purpose?next=${encodeURIComponent('/people/search')}`);
  });

  it('offers no demo personas outside demo mode', async () => {
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    assert.doesNotMatch(page.body, /Demo personas/);
    const response = await app.inject({ method: 'POST', url: '/sign-in/demo', payload: { username: 'demo.officer' } });
    assert.equal(response.statusCode, 404);
  });

  it('ends the session on sign-out', async () => {
    const cookie = await signIn();
    await app.inject({ method: 'POST', url: '/sign-out', headers: { cookie } });
    const after = await app.inject({ method: 'GET', url: '/people/search', headers: { cookie } });
    assert.match(after.headers.location as string, /^\/sign-in/);
  });
});

describe('finding a person', () => {
  it('finds a person by PNC ID and by name and date of birth', async () => {
    const cookie = await signIn();
    await declare(cookie);
    const byPnc = await app.inject({
      method: 'GET',
      url: `/people/search?pncId=${encodeURIComponent(chain.pncId)}`,
      headers: { cookie },
    });
    assert.match(byPnc.body, /1 person found/);
    assert.match(byPnc.body, /EXAMPLAR200, Testina/);
    const byName = await app.inject({
      method: 'GET',
      url: '/people/search?surname=examplar200&forename=Test&dob-day=3&dob-month=4&dob-year=1990',
      headers: { cookie },
    });
    assert.match(byName.body, /EXAMPLAR200, Testina/);
  });

  it('shows field errors for a bad PNC ID and an impossible date', async () => {
    const cookie = await signIn();
    await declare(cookie);
    const bad = await app.inject({ method: 'GET', url: '/people/search?pncId=2004/0123456C', headers: { cookie } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#pncId"/);
    const date = await app.inject({
      method: 'GET',
      url: '/people/search?surname=Smith&dob-day=31&dob-month=2&dob-year=1990',
      headers: { cookie },
    });
    assert.match(date.body, /Date of birth must be a real date/);
  });

  it('shows the person page: identity, aliases, markers, timeline with outcome, image and fingerprint badge', async () => {
    const cookie = await signIn();
    await declare(cookie);
    const reader = await services.actingFor('WEBFORCE', ['OFFICER'], 'INVESTIGATION');
    const [found] = await services.records.searchPeople(reader, { pncId: chain.pncId });
    const page = await app.inject({ method: 'GET', url: `/people/${found?.personId}`, headers: { cookie } });
    assert.equal(page.statusCode, 200);
    for (const expected of [
      'EXAMPLAR200, Testina',
      'Tess Placeholder',
      chain.pncId,
      'Identity confirmed by fingerprints',
      'CRO number',
      'Outcome: convicted',
      'data-testid="custody-image"',
      'Warning signal VI',
      'Did not return home',
    ]) {
      assert.ok(page.body.includes(expected), `page shows ${expected}`);
    }
    const image = page.body.match(/src="(\/people\/[^"]+\/custody-images\/[^"]+)"/)?.[1];
    const bytes = await app.inject({ method: 'GET', url: image as string, headers: { cookie } });
    assert.equal(bytes.headers['content-type'], 'image/png');
  });

  it('shows not found for an unknown person, and refuses a role that may not view people', async () => {
    const cookie = await signIn();
    await declare(cookie);
    const missing = await app.inject({
      method: 'GET',
      url: '/people/00000000-0000-4000-8000-000000000000',
      headers: { cookie },
    });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /Page not found/);
    const auditor = await signIn('web.auditor');
    await declare(auditor, 'AUDIT');
    const refused = await app.inject({
      method: 'GET',
      url: '/people/search?surname=Examplar200&forename=T',
      headers: { cookie: auditor },
    });
    assert.equal(refused.statusCode, 403);
  });
});

describe('ingest batch pages', () => {
  it('lists batches and shows a report with its rejected lines', async () => {
    const force = await services.actingFor('WEBFORCE', ['SYSTEM_INGEST']);
    const batch = await services.ingest.ingestBatch(force, 'WEB-CUSTODY', ['{"kind":"marker","sourceRecordId":"bad"}']);
    const cookie = await signIn();
    const list = await app.inject({ method: 'GET', url: '/ingest-batches', headers: { cookie } });
    assert.ok(list.body.includes(batch.batchId));
    const report = await app.inject({
      method: 'GET',
      url: `/ingest-batches/${batch.batchId}?outcome=REJECTED`,
      headers: { cookie },
    });
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /<code>\/person<\/code> is required/);
  });
});

describe('auditor console and public audit page', () => {
  it('makes an auditor open a case, then shows who viewed a person, the entry, its proof and what was shown', async () => {
    const officer = await signIn();
    await declare(officer);
    const found = await app.inject({
      method: 'GET',
      url: `/people/search?pncId=${encodeURIComponent(chain.pncId)}`,
      headers: { cookie: officer },
    });
    const personId = /\/people\/([0-9a-f-]{36})/.exec(found.body)?.[1] as string;
    const page = await app.inject({ method: 'GET', url: `/people/${personId}`, headers: { cookie: officer } });
    assert.equal(page.statusCode, 200);

    const auditor = await signIn('web.auditor');
    const withoutCase = await app.inject({
      method: 'GET',
      url: `/audit/entries?personId=${personId}`,
      headers: { cookie: auditor },
    });
    assert.equal(withoutCase.statusCode, 400);
    assert.match(withoutCase.body, /Open an audit case, or resume one/);
    const tooShort = await app.inject({
      method: 'POST',
      url: '/audit/cases',
      headers: { cookie: auditor },
      payload: { reason: 'x' },
    });
    assert.equal(tooShort.statusCode, 400);
    assert.match(tooShort.body, /govuk-error-summary/);
    const opened = await app.inject({
      method: 'POST',
      url: '/audit/cases',
      headers: { cookie: auditor },
      payload: { reason: 'routine dip sample of person views' },
    });
    assert.equal(opened.statusCode, 302);
    const console = await app.inject({ method: 'GET', url: '/audit', headers: { cookie: auditor } });
    assert.match(console.body, /data-testid="current-case">You are working on audit case <strong>AUD-/);

    const list = await app.inject({
      method: 'GET',
      url: `/audit/entries?personId=${personId}&kind=PERSON_VIEWED`,
      headers: { cookie: auditor },
    });
    assert.equal(list.statusCode, 200);
    const seq = /href="\/audit\/entries\/(\d+)"/.exec(list.body)?.[1];
    assert.ok(seq, 'the officer’s view is listed');
    const entry = await app.inject({ method: 'GET', url: `/audit/entries/${seq}`, headers: { cookie: auditor } });
    assert.equal(entry.statusCode, 200);
    assert.match(entry.body, /Person viewed/);
    assert.match(entry.body, /web\.officer/);
    assert.match(entry.body, /Matches the entry&#39;s hash|Matches the entry's hash/);
    assert.ok(entry.body.includes(chain.pncId), 'what the officer saw is shown to the auditor');
    assert.match(entry.body, /Proof hashes and checkpoint/);

    const patterns = await app.inject({ method: 'GET', url: '/audit/patterns', headers: { cookie: auditor } });
    assert.equal(patterns.statusCode, 200);
    assert.match(patterns.body, /Repeated refusals/);
    const officerTries = await app.inject({ method: 'GET', url: '/audit/entries', headers: { cookie: officer } });
    assert.equal(officerTries.statusCode, 403);
  });

  it('publishes the checkpoint, the verifier key and monthly figures without sign-in', async () => {
    await services.audit.signCheckpoint();
    const page = await app.inject({ method: 'GET', url: '/transparency/audit' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-testid="checkpoint"[^>]*>leds\.local\/audit\n\d+\n/);
    assert.ok(page.body.includes(services.audit.verifierKey));
    assert.match(page.body, /data-testid="audit-figures"/);
    assert.ok(!page.body.includes('web.officer'), 'no rows, no names');
  });
});
