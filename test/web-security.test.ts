import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { type Config, ConfigError, loadConfig } from '../src/config/config.ts';
import { CheckpointVerifier, verifyAuditLog } from '../src/modules/audit/index.ts';
import { ndjson, personChain } from './support/records.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
const chain = personChain(300);
const password = 'a-long-test-password';
/** An app over the same services with some settings changed (its own rate-limit counters). */
async function appWith(settings: Partial<Config>): Promise<FastifyInstance> {
  return buildApp({ ...services, config: { ...services.config, ...settings } }, { logger: false });
}

function cookieFrom(response: LightMyRequestResponse): string {
  const raw = response.headers['set-cookie'];
  const first = Array.isArray(raw) ? raw[0] : raw;
  assert.ok(first, 'a session cookie was set');
  return first;
}

async function signIn(on = app): Promise<string> {
  const response = await on.inject({
    method: 'POST',
    url: '/sign-in',
    payload: { username: 'security.officer', password, next: '/people/search' },
  });
  assert.equal(response.statusCode, 302);
  return cookieFrom(response).split(';')[0] as string;
}

async function verifyLog() {
  const report = await verifyAuditLog(
    services.database.db,
    new CheckpointVerifier(services.audit.verifierKey),
    services.config.audit.origin,
  );
  assert.deepEqual(report.problems, [], 'the audit log verifies');
}

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  const force = await services.actingFor('SECFORCE', ['SYSTEM_INGEST']);
  await services.ingest.ingestBatch(force, 'SEC-CUSTODY', ndjson(chain.records));
  await services.access.createUser({
    organisationCode: 'SECFORCE',
    username: 'security.officer',
    displayName: 'Security Officer',
    password,
    roles: ['OFFICER', 'RETENTION_OFFICER', 'AUDITOR', 'ADMINISTRATOR'],
  });
});
after(async () => {
  await app.close();
  await services.close();
});

describe('security headers', () => {
  const assertHeaders = (response: LightMyRequestResponse, what: string) => {
    const csp = response.headers['content-security-policy'] as string;
    assert.ok(csp, `${what} has a Content-Security-Policy`);
    assert.match(csp, /frame-ancestors 'none'/, what);
    assert.match(csp, /script-src 'self' 'nonce-[0-9a-f]{32}'/, what);
    assert.match(csp, /style-src 'self' 'nonce-[0-9a-f]{32}'/, what);
    assert.match(csp, /object-src 'none'/, what);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', what);
    assert.equal(response.headers['referrer-policy'], 'no-referrer', what);
    assert.equal(response.headers['x-frame-options'], 'DENY', what);
    assert.equal(response.headers['x-powered-by'], undefined, what);
  };

  it('sends a nonce CSP, no framing, nosniff and no referrer on a page, an API answer, errors and a static asset', async () => {
    const answers: [string, LightMyRequestResponse][] = [
      ['a page', await app.inject({ method: 'GET', url: '/sign-in' })],
      ['an API answer', await app.inject({ method: 'GET', url: '/api/v1/transparency/retention' })],
      ['a page 404', await app.inject({ method: 'GET', url: '/no-such-page' })],
      ['an API 404', await app.inject({ method: 'GET', url: '/api/v1/no-such-resource' })],
      ['a page 400', await app.inject({ method: 'POST', url: '/sign-in', payload: {} })],
      [
        'an API 400',
        await app.inject({ method: 'POST', url: '/api/v1/deletion-applications', payload: { applicantName: 1 } }),
      ],
      ['a static asset', await app.inject({ method: 'GET', url: '/static/govuk/govuk-frontend.min.css' })],
      ['a GOV.UK asset', await app.inject({ method: 'GET', url: '/assets/images/favicon.svg' })],
    ];
    assert.deepEqual(
      answers.map(([what, r]) => [what, r.statusCode]),
      [
        ['a page', 200],
        ['an API answer', 200],
        ['a page 404', 404],
        ['an API 404', 404],
        ['a page 400', 400],
        ['an API 400', 400],
        ['a static asset', 200],
        ['a GOV.UK asset', 200],
      ],
    );
    for (const [what, response] of answers) assertHeaders(response, what);
  });

  it('lets only the Swagger UI pages have inline styles and data: images, with scripts still from this origin', async () => {
    for (const url of ['/api/docs/', '/api/docs/static/index.css']) {
      const docs = await app.inject({ method: 'GET', url });
      assert.equal(docs.statusCode, 200, url);
      const csp = docs.headers['content-security-policy'] as string;
      assert.match(csp, /style-src 'self' 'unsafe-inline'(;|$)/, url);
      assert.match(csp, /img-src 'self' data:(;|$)/, url);
      assert.match(csp, /script-src 'self' 'nonce-[0-9a-f]{32}';/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.equal(docs.headers['x-frame-options'], 'DENY', url);
    }
  });

  it('gives every inline script of a page the nonce of its own answer, and no element a style attribute', async () => {
    const pages = [
      await app.inject({ method: 'GET', url: '/sign-in' }),
      await app.inject({ method: 'GET', url: '/no-such-page' }),
      await app.inject({ method: 'POST', url: '/sign-in', headers: { origin: 'https://evil.example' }, payload: {} }),
      await app.inject({ method: 'GET', url: '/transparency/audit' }),
    ];
    const nonces = new Set<string>();
    for (const page of pages) {
      const nonce = /'nonce-([0-9a-f]{32})'/.exec(page.headers['content-security-policy'] as string)?.[1];
      assert.ok(nonce);
      nonces.add(nonce);
      const inline = [...page.body.matchAll(/<script([^>]*)>/g)].filter((m) => !/\ssrc=/.test(m[1] as string));
      assert.equal(inline.length, 2, "GOV.UK's body class script and our module script");
      for (const script of inline) assert.match(script[1] as string, new RegExp(`nonce="${nonce}"`));
      assert.doesNotMatch(page.body, /\sstyle=/);
    }
    assert.equal(nonces.size, pages.length, 'a new nonce for every answer');
  });
});

describe('caching', () => {
  it('says no-store on every page, API answer and error, and lets static assets be cached', async () => {
    const cookie = await signIn();
    await app.inject({
      method: 'POST',
      url: '/purpose',
      headers: { cookie },
      payload: { purpose: 'INVESTIGATION', next: '/people/search' },
    });
    const reader = await services.actingFor('SECFORCE', ['OFFICER'], 'INVESTIGATION');
    const [found] = await services.records.searchPeople(reader, { pncId: chain.pncId });
    const person = await app.inject({ method: 'GET', url: `/people/${found?.personId}`, headers: { cookie } });
    const image = /src="(\/people\/[^"]+\/custody-images\/[^"]+)"/.exec(person.body)?.[1] as string;
    const { key } = await services.access.createApiKey({
      organisationCode: 'SECFORCE',
      name: 'SECFORCE reader',
      roles: ['SYSTEM_READ'],
    });
    const api = { 'x-api-key': key, 'x-leds-purpose': 'INVESTIGATION' };
    const personData: [string, InjectOptions][] = [
      ['the search page', { url: `/people/search?pncId=${encodeURIComponent(chain.pncId)}`, headers: { cookie } }],
      ['the person page', { url: `/people/${found?.personId}`, headers: { cookie } }],
      ['a custody image', { url: image, headers: { cookie } }],
      ['the API search', { url: `/api/v1/people?pncId=${encodeURIComponent(chain.pncId)}`, headers: api }],
      ['the API person', { url: `/api/v1/people/${found?.personId}`, headers: api }],
      ['a page 404', { url: '/no-such-page' }],
      ['an API 401', { url: '/api/v1/people?pncId=x' }],
      ['an API 400', { url: '/api/v1/people?pncId=x', headers: api }],
      ['the sign-in page', { url: '/sign-in' }],
      ['the API docs', { url: '/api/docs/' }],
      ['the OpenAPI document', { url: '/api/openapi.json' }],
      ['a health check', { url: '/health/live' }],
    ];
    for (const [what, options] of personData) {
      const response = await app.inject({ method: 'GET', ...options });
      assert.ok(response.statusCode < 500, `${what}: ${response.statusCode}`);
      assert.equal(response.headers['cache-control'], 'no-store', what);
    }
    for (const url of [
      '/static/govuk/govuk-frontend.min.css',
      '/static/moj/moj-frontend.min.css',
      '/static/leds/leds.css',
      '/assets/images/favicon.svg',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.doesNotMatch(String(response.headers['cache-control']), /no-store/, url);
    }
    await verifyLog();
  });
});

describe('a trusted proxy', () => {
  it('marks the session cookie Secure when a trusted proxy says the client used https', async () => {
    for (const trustProxy of [['127.0.0.1'], ['127.0.0.0/8', '::1'], true, 1] as Config['trustProxy'][]) {
      const proxied = await appWith({ trustProxy });
      try {
        const response = await proxied.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { 'x-forwarded-proto': 'https' },
          payload: { username: 'security.officer', password },
        });
        assert.equal(response.statusCode, 302);
        assert.match(cookieFrom(response), /; Secure/, `trusted proxy ${JSON.stringify(trustProxy)}`);
        const plain = await proxied.inject({
          method: 'POST',
          url: '/sign-in',
          payload: { username: 'security.officer', password },
        });
        assert.doesNotMatch(cookieFrom(plain), /; Secure/, 'plain http from the proxy');
      } finally {
        await proxied.close();
      }
    }
  });

  it('does not believe X-Forwarded-Proto from a client that is not a trusted proxy', async () => {
    const elsewhere = await appWith({ trustProxy: ['10.1.2.3'] });
    try {
      for (const on of [app, elsewhere]) {
        const response = await on.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { 'x-forwarded-proto': 'https' },
          payload: { username: 'security.officer', password },
        });
        assert.equal(response.statusCode, 302);
        const cookie = cookieFrom(response);
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /SameSite=Strict/);
        assert.doesNotMatch(cookie, /; Secure/);
      }
    } finally {
      await elsewhere.close();
    }
  });

  it('reads LEDS_TRUST_PROXY as off, true, a hop count or addresses, and refuses anything else', () => {
    const read = (value: string) => loadConfig({ LEDS_TRUST_PROXY: value }).trustProxy;
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(read(''), false);
    assert.equal(read('false'), false);
    assert.equal(read('true'), true);
    assert.equal(read('2'), 2);
    assert.deepEqual(read('10.0.0.1, 192.168.0.0/16,fd00::/8,loopback'), [
      '10.0.0.1',
      '192.168.0.0/16',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/8', '-1'])
      assert.throws(() => read(bad), ConfigError, bad);
  });
});
