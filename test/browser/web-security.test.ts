import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { assertAccessible, launchChromium } from '../support/browser.ts';
import { ndjson, personChain } from '../support/records.ts';
import { startTestServices, type TestServices } from '../support/services.ts';

const chain = personChain(950);
const password = 'browser-security-password';
let services: TestServices;
let app: FastifyInstance;
let browser: Browser;
let base: string;
/** Another origin's server: its one page auto-submits the form it is asked for to LEDS. */
let attacker: Server;
let attackerPort: number;

const portOf = (server: { address(): unknown }) => {
  const address = server.address();
  return typeof address === 'object' && address ? (address as { port: number }).port : 0;
};

/** A page of another origin that posts a form to LEDS as soon as it loads, as a forging site would. */
function forgingPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('');
  return `<!DOCTYPE html><html lang="en"><head><title>Win a prize</title></head><body>
<form method="post" action="${action}">${inputs}</form>
<script>document.forms[0].submit()</script></body></html>`;
}

/** Records every CSP violation and console error of a page, from before its first script runs. */
async function watchForViolations(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A page answered 400 or 404 on purpose (a form with errors, an unknown page) is logged as a failed load of
    // the document itself; any other error, a blocked resource among them, counts.
    const documentStatus = /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
    if (message.type() === 'error' && !(documentStatus && message.location().url === page.url()))
      problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (text: string) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  return problems;
}

/** GOV.UK Frontend's JavaScript ran: the template's inline script marked the body and initAll marked each component. */
async function assertFrontendInitialised(page: Page) {
  const state = await page.evaluate(() => ({
    supported: document.body.classList.contains('govuk-frontend-supported'),
    uninitialised: [...document.querySelectorAll('[data-module]')]
      .map((element) => [element.getAttribute('data-module') as string, element] as const)
      .filter(([name, element]) => !element.hasAttribute(`data-${name}-init`))
      .map(([name]) => name),
    components: document.querySelectorAll('[data-module]').length,
  }));
  assert.ok(state.supported, `the body of ${page.url()} has govuk-frontend-supported`);
  assert.ok(state.components > 0, `${page.url()} has GOV.UK components`);
  assert.deepEqual(state.uninitialised, [], `every component of ${page.url()} was initialised`);
}

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.fill('#username', 'browser.security');
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(/\/purpose/);
  await page.check('input[value="INVESTIGATION"]');
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('[data-testid="declared-purpose"]');
  return page;
}

before(async () => {
  services = await startTestServices();
  const force = await services.actingFor('MPS', ['SYSTEM_INGEST']);
  await services.ingest.ingestBatch(force, 'MPS-CUSTODY', ndjson(chain.records));
  await services.access.createUser({
    organisationCode: 'MPS',
    username: 'browser.security',
    displayName: 'Browser Security',
    password,
    roles: ['OFFICER', 'AUDITOR', 'RETENTION_OFFICER'],
  });
  app = await buildApp(services, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${portOf(app.server)}`;
  attacker = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://attacker');
    const fields = Object.fromEntries([...url.searchParams].filter(([name]) => name !== 'action'));
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(forgingPage(`${base}${url.searchParams.get('action') ?? '/'}`, fields));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = portOf(attacker);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await app?.close();
  await services?.close();
});

describe('a page of another origin posts a form to LEDS', () => {
  for (const [where, host] of [
    ['the same site (another port: the session cookie goes with it)', '127.0.0.1'],
    ['another site', 'localhost'],
  ] as const) {
    it(`from ${where}, while the user is signed in: LEDS refuses it and nothing changes`, async () => {
      const context = await browser.newContext();
      const page = await signIn(context);
      assert.match((await page.textContent('[data-testid="declared-purpose"]')) ?? '', /Criminal investigation/);

      for (const [action, fields] of [
        ['/purpose', { purpose: 'IMMIGRATION', next: '/people/search' }],
        ['/sign-out', {}],
      ] as const) {
        const forged = await context.newPage();
        const posted = forged.waitForRequest((request) => request.url() === `${base}${action}`);
        const query = new URLSearchParams({ action, ...fields });
        await forged.goto(`http://${host}:${attackerPort}/?${query}`);
        const request = await posted;
        const headers = await request.allHeaders();
        assert.equal(request.method(), 'POST');
        assert.equal(headers['sec-fetch-site'], host === '127.0.0.1' ? 'same-site' : 'cross-site');
        if (host === '127.0.0.1')
          assert.match(headers.cookie ?? '', /leds_session=/, 'SameSite=Strict does not keep the cookie off');
        const answer = await request.response();
        assert.equal(answer?.status(), 403, action);
        await forged.waitForSelector('h1:has-text("This form was sent from another site")');
        await assertAccessible(forged);
        await forged.close();
      }

      await page.goto(`${base}/people/search`);
      assert.match(page.url(), /\/people\/search/, 'still signed in');
      assert.match((await page.textContent('[data-testid="declared-purpose"]')) ?? '', /Criminal investigation/);
      await context.close();
    });
  }
});

describe('pages under the Content-Security-Policy', () => {
  it('load with no CSP violation and no console error, and GOV.UK Frontend’s JavaScript initialises on each', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchForViolations(page);
    const check = async (what: string) => {
      assert.match(String(await page.evaluate(() => document.readyState)), /complete|interactive/);
      await assertFrontendInitialised(page);
      assert.deepEqual(problems, [], what);
    };

    await page.goto(`${base}/sign-in`);
    await check('sign-in');
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('.govuk-error-summary', { state: 'visible' });
    // The error summary's JavaScript moves focus to it.
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await check('sign-in with errors');
    await page.fill('#username', 'browser.security');
    await page.fill('#password', password);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(/\/purpose/);
    await check('purpose');
    await page.check('input[value="INVESTIGATION"]');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('[data-testid="declared-purpose"]');
    await page.fill('#pncId', chain.pncId);
    await page.click('[data-testid="search-identifier"]');
    await page.waitForSelector('[data-testid="results"] a');
    await check('search results');
    await page.click('[data-testid="results"] a');
    await page.waitForSelector('[data-testid="person-name"]');
    const imageWidth = await page.$eval(
      '[data-testid="custody-image"]',
      (img) => (img as HTMLImageElement).naturalWidth,
    );
    assert.ok(imageWidth > 0, 'the custody image loaded');
    await check('person page');
    // The signed-in pages' identity bar signs out with a form button styled from /static/leds/leds.css.
    const signOutLooksLikeALink = await page.$eval(
      '[data-testid="identity-bar"] button',
      (button) => getComputedStyle(button).backgroundColor === 'rgba(0, 0, 0, 0)',
    );
    assert.ok(signOutLooksLikeALink, 'the sign-out button has no background');
    for (const path of [
      '/ingest-batches',
      '/access-register',
      '/audit',
      '/retention',
      '/transparency/audit',
      '/transparency/retention',
      '/apply-for-deletion',
      '/no-such-page',
    ]) {
      await page.goto(`${base}${path}`);
      await check(path);
    }
    await context.close();
  });

  it('keeps the API documentation working: Swagger UI renders the OpenAPI document with no CSP violation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchForViolations(page);
    await page.goto(`${base}/api/docs/`);
    await page.waitForSelector('.swagger-ui .info .title');
    assert.match((await page.textContent('.swagger-ui .info .title')) ?? '', /LEDS: Law Enforcement Data Service/);
    await page.waitForSelector('.opblock');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
