import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { type Config, ConfigError, loadConfig } from '../src/config/config.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { ndjson, personChain } from './support/records.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
const chain = personChain(300);
const password = 'a-long-test-password';
const application = {
  applicantName: 'Testina Examplar300',
  applicantDateOfBirth: '1990-04-01',
  contact: 'testina@example.org',
  eventReference: chain.asn,
  grounds: 'The matter is old.',
};

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

async function declaredPurpose(cookie: string): Promise<string | undefined> {
  const page = await app.inject({ method: 'GET', url: '/people/search', headers: { cookie } });
  return /data-testid="declared-purpose">([^<]+)</.exec(page.body)?.[1];
}

const verifyLog = () => assertAuditLogVerifies(services);

/**
 * Every route of the app with a method that may change something, read from Fastify's route tree
 * (`printRoutes` with full segments: one line a node, four columns of indent a level).
 */
function stateChangingRoutes(on: FastifyInstance): { method: string; url: string }[] {
  const stack: string[] = [];
  const routes: { method: string; url: string }[] = [];
  for (const line of on.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[└├]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    for (const method of (match[3] ?? '').split(', ')) {
      if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) routes.push({ method, url: stack.join('') });
    }
  }
  return routes;
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

describe('cross-origin form posts', () => {
  it('refuses a cross-site POST that carries a valid session cookie, and changes nothing', async () => {
    const cookie = await signIn();
    const declare = (headers: Record<string, string | undefined>, purpose: string) =>
      app.inject({
        method: 'POST',
        url: '/purpose',
        headers: { cookie, ...headers },
        payload: { purpose, next: '/people/search' },
      });
    assert.equal((await declare({}, 'INVESTIGATION')).statusCode, 302);
    assert.equal(await declaredPurpose(cookie), 'Criminal investigation');

    for (const headers of [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://localhost:8081' },
    ]) {
      const refused = await declare(headers, 'PROSECUTION');
      assert.equal(refused.statusCode, 403, JSON.stringify(headers));
      assert.match(refused.headers['content-type'] as string, /^text\/html/);
      assert.match(refused.body, /<h1 class="govuk-heading-l">This form was sent from another site<\/h1>/);
      assert.match(refused.body, /Nothing has been changed/);
      assert.match(refused.body, /REQUEST_CROSS_SITE/);
      assert.equal(await declaredPurpose(cookie), 'Criminal investigation', 'the purpose is unchanged');
    }

    // The same form from LEDS's own page goes through, whether the browser says so or only sends Origin (the Host
    // header here is `localhost:80`, which is the origin `http://localhost`).
    const sameOrigin = await declare({ 'sec-fetch-site': 'same-origin', origin: 'http://localhost' }, 'PROSECUTION');
    assert.equal(sameOrigin.statusCode, 302);
    assert.equal(await declaredPurpose(cookie), 'Prosecution');
    assert.equal((await declare({ origin: 'http://localhost' }, 'INVESTIGATION')).statusCode, 302);
    assert.equal(await declaredPurpose(cookie), 'Criminal investigation');
    await verifyLog();
  });

  it('refuses a cross-site sign-out and a cross-site application for deletion, which leave the session and the applications as they were', async () => {
    const cookie = await signIn();
    const signOut = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(signOut.statusCode, 403);
    const still = await app.inject({ method: 'GET', url: '/purpose', headers: { cookie } });
    assert.equal(still.statusCode, 200, 'still signed in');

    const before = (await services.retention.figures()).applications.received;
    const forged = await app.inject({
      method: 'POST',
      url: '/apply-for-deletion',
      headers: { origin: 'https://evil.example' },
      payload: application,
    });
    assert.equal(forged.statusCode, 403);
    assert.equal((await services.retention.figures()).applications.received, before, 'no application was made');
    const sent = await app.inject({
      method: 'POST',
      url: '/apply-for-deletion',
      headers: { 'sec-fetch-site': 'same-origin' },
      payload: application,
    });
    assert.equal(sent.statusCode, 200);
    assert.equal((await services.retention.figures()).applications.received, before + 1);
    await verifyLog();
  });

  it('refuses a cross-site post to every state-changing page route, signed in, before the route runs', async () => {
    const cookie = await signIn();
    const routes = stateChangingRoutes(app).filter((r) => !r.url.startsWith('/api/'));
    for (const expected of ['/sign-in', '/sign-in/demo', '/sign-out', '/purpose', '/apply-for-deletion']) {
      assert.ok(
        routes.some((r) => r.url === expected),
        `${expected} is among the ${routes.length} routes read`,
      );
    }
    assert.ok(routes.some((r) => r.url.startsWith('/retention/')) && routes.some((r) => r.url.startsWith('/audit/')));
    for (const { method, url } of routes) {
      const response = await app.inject({
        method: method as 'POST',
        url: url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000'),
        headers: { cookie, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        payload: { reason: 'forged', purpose: 'INVESTIGATION', status: 'SUSPENDED' },
      });
      assert.equal(response.statusCode, 403, `${method} ${url}`);
      assert.match(response.body, /REQUEST_CROSS_SITE/, `${method} ${url}`);
    }
  });

  it('leaves the JSON API to its API keys and bearer tokens: an API post from another origin is not refused as cross-site', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/deletion-applications',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      payload: application,
    });
    assert.equal(response.statusCode, 201);
    await verifyLog();
  });

  it('lets a configured trusted origin post, and compares the origin behind a trusted proxy with the one the client used', async () => {
    const portal = await appWith({ trustedOrigins: ['https://portal.example.org'] });
    try {
      const fromPortal = await portal.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { origin: 'https://portal.example.org', 'sec-fetch-site': 'cross-site' },
        payload: { username: 'security.officer', password },
      });
      assert.equal(fromPortal.statusCode, 302);
      const fromElsewhere = await portal.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        payload: { username: 'security.officer', password },
      });
      assert.equal(fromElsewhere.statusCode, 403);
    } finally {
      await portal.close();
    }

    const forwarded = {
      origin: 'https://leds.example.org',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'leds.example.org',
    };
    const proxied = await appWith({ trustProxy: ['127.0.0.1'] });
    try {
      const response = await proxied.inject({
        method: 'POST',
        url: '/sign-in',
        headers: forwarded,
        payload: { username: 'security.officer', password },
      });
      assert.equal(response.statusCode, 302, 'the proxy says the client used https://leds.example.org');
    } finally {
      await proxied.close();
    }
    const untrusted = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: forwarded,
      payload: { username: 'security.officer', password },
    });
    assert.equal(untrusted.statusCode, 403, 'a client cannot claim the origin by sending the headers itself');
  });
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

  it('reads LEDS_TRUSTED_ORIGINS as origins, and refuses one with a path or without a scheme', () => {
    const read = (value: string) => loadConfig({ LEDS_TRUSTED_ORIGINS: value }).trustedOrigins;
    assert.deepEqual(loadConfig({}).trustedOrigins, []);
    assert.deepEqual(read('https://portal.example.org, http://localhost:3000'), [
      'https://portal.example.org',
      'http://localhost:3000',
    ]);
    for (const bad of [
      'portal.example.org',
      'https://portal.example.org/',
      'https://Portal.example.org',
      'ftp://x.org',
    ])
      assert.throws(() => read(bad), ConfigError, bad);
  });
});

describe('rate limits', () => {
  const limited = { rateLimit: { windowMinutes: 15, signInPerWindow: 3, publicFormPerWindow: 2 } };

  it('answers sign-in from one address past the limit with 429 and a GOV.UK page saying how long to wait; the demo form shares the count; another address is not limited', async () => {
    const limitedApp = await appWith(limited);
    try {
      const attempt = (url: string, remoteAddress = '127.0.0.1') =>
        limitedApp.inject({
          method: 'POST',
          url,
          remoteAddress,
          payload: { username: 'security.officer', password: 'wrong-password-here' },
        });
      assert.equal((await attempt('/sign-in')).statusCode, 400);
      assert.equal((await attempt('/sign-in')).statusCode, 400);
      assert.equal((await attempt('/sign-in/demo')).statusCode, 404, 'no demo personas outside demo mode');
      for (const url of ['/sign-in', '/sign-in/demo']) {
        const refused = await attempt(url);
        assert.equal(refused.statusCode, 429, url);
        assert.match(refused.headers['content-type'] as string, /^text\/html/);
        assert.equal(refused.headers['retry-after'], '900');
        assert.equal(refused.headers['cache-control'], 'no-store');
        assert.match(refused.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
        assert.match(refused.body, /<h1 class="govuk-heading-l">You have tried too many times<\/h1>/);
        assert.match(refused.body, /You have tried too many times\. Wait 15 minutes and try again\./);
        assert.match(refused.body, /REQUEST_RATE_LIMITED/);
      }
      // A right password is refused too while the address is limited: the limit is on attempts, not failures.
      const right = await limitedApp.inject({
        method: 'POST',
        url: '/sign-in',
        payload: { username: 'security.officer', password },
      });
      assert.equal(right.statusCode, 429);
      assert.equal((await attempt('/sign-in', '192.0.2.10')).statusCode, 400, 'another address has its own count');
      assert.equal((await limitedApp.inject({ method: 'GET', url: '/sign-in' })).statusCode, 200, 'reading is free');
    } finally {
      await limitedApp.close();
    }
  });

  it('answers the public application for deletion past the limit with 429: problem+json with Retry-After from the API, a GOV.UK page from the form, one count for both', async () => {
    const limitedApp = await appWith(limited);
    try {
      const before = (await services.retention.figures()).applications.received;
      const api = () =>
        limitedApp.inject({ method: 'POST', url: '/api/v1/deletion-applications', payload: application });
      const page = () => limitedApp.inject({ method: 'POST', url: '/apply-for-deletion', payload: application });
      assert.equal((await api()).statusCode, 201);
      assert.equal((await page()).statusCode, 200);
      const refused = await api();
      assert.equal(refused.statusCode, 429);
      assert.match(refused.headers['content-type'] as string, /^application\/problem\+json/);
      assert.equal(refused.headers['retry-after'], '900');
      assert.equal(refused.headers['cache-control'], 'no-store');
      const problem = refused.json();
      assert.equal(problem.code, 'REQUEST_RATE_LIMITED');
      assert.equal(problem.status, 429);
      assert.equal(problem.type, 'urn:leds:problem:REQUEST_RATE_LIMITED');
      assert.match(problem.detail, /^too many attempts from this address; try again in 15 minutes$/);
      const refusedPage = await page();
      assert.equal(refusedPage.statusCode, 429);
      assert.match(refusedPage.body, /Wait 15 minutes and try again\./);
      assert.equal(
        (await services.retention.figures()).applications.received,
        before + 2,
        'the refused ones made nothing',
      );
      // The limit is the public forms': sign-in from the same address is not touched by it.
      assert.equal((await signIn(limitedApp)).startsWith('leds_session='), true);
      await verifyLog();
    } finally {
      await limitedApp.close();
    }
  });

  it('counts the address a trusted proxy names, and ignores X-Forwarded-For from anyone else', async () => {
    const viaProxy = await appWith({ ...limited, trustProxy: ['127.0.0.1'] });
    const direct = await appWith(limited);
    try {
      const attempt = (on: FastifyInstance, client: string) =>
        on.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { 'x-forwarded-for': client },
          payload: { username: 'security.officer', password: 'wrong-password-here' },
        });
      for (let i = 0; i < 3; i += 1) {
        // A client rotating the header it sends: behind the proxy each is its own client; directly, all are one.
        assert.equal((await attempt(viaProxy, '198.51.100.7')).statusCode, 400);
        assert.equal((await attempt(direct, `198.51.100.${i}`)).statusCode, 400);
      }
      assert.equal((await attempt(viaProxy, '198.51.100.7')).statusCode, 429);
      assert.equal((await attempt(viaProxy, '198.51.100.8')).statusCode, 400);
      assert.equal((await attempt(direct, '198.51.100.99')).statusCode, 429);
    } finally {
      await viaProxy.close();
      await direct.close();
    }
  });
});
