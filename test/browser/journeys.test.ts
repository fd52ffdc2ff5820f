import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { seedPeople } from '../../src/cli/seed.ts';
import { drawPopulation } from '../../src/demo/synthetic-population.ts';
import { personDatesOfBirth, personNames } from '../../src/modules/records/records.tables.ts';
import { assertAccessible, launchChromium } from '../support/browser.ts';
import { ndjson, personChain } from '../support/records.ts';
import { startTestServices, type TestServices } from '../support/services.ts';

const chain = personChain(900);
let services: TestServices;
let app: FastifyInstance;
let browser: Browser;
let base: string;

before(async () => {
  services = await startTestServices({ demo: true });
  await seedPeople(services, { people: 50, progress: false });
  const force = await services.actingFor('MPS', ['SYSTEM_INGEST']);
  const batch = await services.ingest.ingestBatch(force, 'MPS-CUSTODY', [
    ...ndjson(chain.records),
    '{"kind":"marker","sourceRecordId":"B-1"}',
  ]);
  assert.equal(batch.rejectedCount, 1);
  await services.access.createUser({
    organisationCode: 'MPS',
    username: 'browser.officer',
    displayName: 'Browser Officer',
    password: 'browser-test-password',
    roles: ['OFFICER', 'ADMINISTRATOR'],
  });
  app = await buildApp(services, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await services?.close();
});

describe('an officer finds a person', () => {
  it('signs in as a demo persona, declares a purpose, searches by PNC ID and reads the person page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await assertAccessible(page);
    await page.click('[data-testid="persona-demo.officer"]');
    await page.waitForURL(/\/purpose/);
    await assertAccessible(page);
    await page.check('input[value="INVESTIGATION"]');
    await page.fill('#caseReference', 'OP-BROWSER/1');
    await page.click('button:has-text("Continue")');
    assert.match((await page.textContent('[data-testid="declared-purpose"]')) ?? '', /Criminal investigation/);
    await page.fill('#pncId', '2004/0123456C');
    await page.click('[data-testid="search-identifier"]');
    // A form post navigates; waiting for the element (not reading it at once) keeps a loaded machine from racing the page.
    await page.waitForSelector('.govuk-error-summary', { state: 'visible' });
    await assertAccessible(page);
    await page.fill('#pncId', chain.pncId.replace('2019/', '19/'));
    await page.click('[data-testid="search-identifier"]');
    assert.match((await page.textContent('[data-testid="result-count"]')) ?? '', /1 person found/);
    await assertAccessible(page);
    await page.click('[data-testid="results"] a');
    assert.match((await page.textContent('[data-testid="person-name"]')) ?? '', /EXAMPLAR900, Testina/);
    await page.waitForSelector('[data-testid="fingerprint-confirmed"]', { state: 'visible' });
    assert.match((await page.textContent('[data-testid="timeline"]')) ?? '', /Outcome: convicted/);
    const imageWidth = await page.$eval(
      '[data-testid="custody-image"]',
      (img) => (img as HTMLImageElement).naturalWidth,
    );
    assert.ok(imageWidth > 0, 'the custody image loaded');
    await assertAccessible(page);
    await page.close();
  });

  it('finds a synthetic demo person by name and date of birth', async () => {
    // The demo population is deterministic: the first person drawn with the default seed is the first one seeded.
    const organisationIds = new Map((await services.access.listOrganisations()).map((o) => [o.code, o.id]));
    const { rows } = drawPopulation({
      seed: 2026,
      asOf: new Date('2026-06-30T00:00:00Z'),
      firstSerial: 1,
      people: 1,
      organisationIds,
    });
    const name = rows.get(personNames)?.[0] as { surname: string; forenames: string };
    const [year, month, day] = String(rows.get(personDatesOfBirth)?.[0]?.dateOfBirth).split('-');
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.click('[data-testid="persona-demo.officer"]');
    await page.check('input[value="SAFEGUARDING"]');
    await page.click('button:has-text("Continue")');
    await page.fill('#surname', name.surname.toLowerCase());
    await page.fill('#forename', name.forenames.slice(0, 3));
    await page.fill('#dob-day', String(Number(day)));
    await page.fill('#dob-month', String(Number(month)));
    await page.fill('#dob-year', year as string);
    await page.click('[data-testid="search-name"]');
    assert.ok(
      (await page.textContent('[data-testid="results"]'))?.includes(`${name.surname.toUpperCase()}, ${name.forenames}`),
    );
    await page.close();
  });
});

describe('without JavaScript', () => {
  it('signs in with a password, shows an error summary for a bad PNC ID, and shows a batch report', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/people/search`);
    assert.match(page.url(), /\/sign-in/);
    await page.fill('#username', 'browser.officer');
    await page.fill('#password', 'browser-test-password');
    await page.click('button:has-text("Sign in")');
    await page.check('input[value="PROSECUTION"]');
    await page.click('button:has-text("Continue")');
    await page.fill('#pncId', '2004/0123456C');
    await page.click('[data-testid="search-identifier"]');
    await page.waitForSelector('.govuk-error-summary', { state: 'visible' });
    assert.equal(await page.getAttribute('.govuk-error-summary a', 'href'), '#pncId');
    await page.click('a:has-text("Ingest batches")');
    await page.click('table a >> nth=0');
    assert.match((await page.textContent('[data-testid="batch-lines"]')) ?? '', /Rejected/);
    await context.close();
  });
});

describe('an auditor checks who saw a person', () => {
  it('opens an audit case, finds an officer’s view of the person, and reads the entry with what was shown', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.click('[data-testid="persona-demo.auditor"]');
    await page.goto(`${base}/audit`);
    await assertAccessible(page);
    await page.fill('#reason', 'dip sample of views of a demo person');
    await page.click('button:has-text("Open audit case")');
    await page.waitForURL(/\/audit\/entries/);
    await page.selectOption('#outcome', 'ALLOWED');
    await page.click('button:has-text("Search")');
    await assertAccessible(page);
    await page.click('[data-testid="audit-entries"] tbody tr:first-child a');
    assert.match((await page.textContent('[data-testid="audit-entry"]')) ?? '', /Who/);
    await assertAccessible(page);
    await page.goto(`${base}/audit/patterns`);
    await assertAccessible(page);
    await page.close();
  });

  it('shows the public audit page with the signed checkpoint, without sign-in', async () => {
    await services.audit.signCheckpoint();
    const page = await browser.newPage();
    await page.goto(`${base}/transparency/audit`);
    assert.match((await page.textContent('[data-testid="checkpoint"]')) ?? '', /leds\.local\/audit\n\d+\n/);
    await assertAccessible(page);
    await page.close();
  });
});

describe('a person applies for deletion and a retention officer decides', () => {
  it('applies on the public form without signing in; the officer finds it on the desk, refuses it with reasons, records the applicant told and opens the record’s retention', async () => {
    const applicant = await browser.newPage();
    await applicant.goto(`${base}/apply-for-deletion`);
    await assertAccessible(applicant);
    await applicant.click('button:has-text("Send application")');
    await applicant.waitForSelector('.govuk-error-summary', { state: 'visible' });
    await assertAccessible(applicant);
    await applicant.fill('#applicantName', 'Testina Examplar900');
    await applicant.fill('#applicantDateOfBirth', '1990-04-01');
    await applicant.fill('#contact', 'testina@example.org');
    await applicant.fill('#eventReference', chain.asn);
    await applicant.fill('#grounds', 'The matter is old and I have not offended since.');
    await applicant.click('button:has-text("Send application")');
    const reference = ((await applicant.textContent('[data-testid="application-reference"]')) ?? '').trim();
    assert.match(reference, /^DEL-\d{4}-[0-9A-F]{8}$/);
    await assertAccessible(applicant);
    await applicant.close();

    const officer = await browser.newPage();
    await officer.goto(`${base}/`);
    await officer.click('[data-testid="persona-demo.retention"]');
    await officer.waitForURL(/\/purpose/);
    await officer.check('input[value="DATA_QUALITY"]');
    await officer.fill('#caseReference', 'RET/BROWSER/1');
    await officer.click('button:has-text("Continue")');
    await officer.waitForSelector('[data-testid="declared-purpose"]');
    await officer.goto(`${base}/retention`);
    await assertAccessible(officer);
    // The public form matched nothing; the desk marks the application as naming one of this force's arrests, and
    // the officer matches it with the number the applicant gave, already filled in.
    const row = officer.locator('[data-testid="applications"] tr', { hasText: reference });
    await row.locator('[data-testid="names-own-arrest"]').waitFor();
    await officer.click(`a:has-text("${reference}")`);
    await officer.click('button:has-text("Match the application")');
    await officer.waitForSelector('button:has-text("Record the decision")');
    await assertAccessible(officer);
    await officer.check('input[value="REFUSED"]');
    await officer.fill('#reasons', 'Convicted: the image is kept under the review schedule.');
    await officer.click('button:has-text("Record the decision")');
    await officer.waitForSelector('button:has-text("The applicant has been told")');
    assert.match((await officer.textContent('[data-testid="application"]')) ?? '', /Refused/);
    await officer.click('button:has-text("The applicant has been told")');
    await officer.waitForSelector('button:has-text("Lodge the appeal")');
    await assertAccessible(officer);
    await officer.click('a:has-text("Review the whole record")');
    await officer.waitForSelector('[data-testid="retention-items"]');
    assert.match((await officer.textContent('[data-testid="retention-items"]')) ?? '', /Custody image/);
    await assertAccessible(officer);
    await officer.close();
  });
});
