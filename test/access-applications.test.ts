import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
const password = 'application-test-password';

const cookieOf = (response: LightMyRequestResponse) => String(response.headers['set-cookie']).split(';')[0] as string;
async function signIn(username: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/sign-in', payload: { username, password } });
  assert.equal(response.statusCode, 302);
  return cookieOf(response);
}
const form = (cookie: string, url: string, payload: Record<string, string | string[]>) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(
      Object.entries(payload).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    ).toString(),
  });

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  await services.access.createOrganisation({ code: 'APPLICANT', name: 'Applicant Agency', kind: 'NON_POLICE_AGENCY' });
  await services.access.createOrganisation({ code: 'PANEL', name: 'Access Panel', kind: 'OVERSIGHT_BODY' });
  await services.access.createUser({
    organisationCode: 'APPLICANT',
    username: 'agency.admin',
    displayName: 'Agency Admin',
    password,
    roles: ['ADMINISTRATOR'],
  });
  await services.access.createUser({
    organisationCode: 'APPLICANT',
    username: 'agency.officer',
    displayName: 'Agency Officer',
    password,
    roles: ['INVESTIGATOR'],
  });
  await services.access.createUser({
    organisationCode: 'PANEL',
    username: 'panel.member',
    displayName: 'Panel Member',
    password,
    roles: ['ACCESS_PANEL'],
  });
});
after(async () => {
  await app.close();
  await services.close();
});

describe('an application for access, on the pages without JavaScript', () => {
  let applicationUrl = '';

  it('names the missing parts of an incomplete application', async () => {
    const admin = await signIn('agency.admin');
    const response = await form(admin, '/access-applications', {
      datasets: 'NOMINAL_IDENTITY',
      'legalBasis-NOMINAL_IDENTITY': '',
      requestedValidTo: '2027-12-31',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /items\/0\/purposes: name at least one purpose/);
    assert.match(response.body, /items\/0\/legalBasis: give the legal basis/);
  });

  it('is submitted by the agency, partly approved by the panel with reasons, and the approval becomes an agreement', async () => {
    const admin = await signIn('agency.admin');
    const submitted = await form(admin, '/access-applications', {
      datasets: ['NOMINAL_IDENTITY', 'CONVICTIONS_DISPOSALS', 'CUSTODY_IMAGES'],
      'purposes-NOMINAL_IDENTITY': 'REVENUE_ENFORCEMENT',
      'legalBasis-NOMINAL_IDENTITY': 'Social Security Administration Act 1992 s109A',
      'businessCase-NOMINAL_IDENTITY': 'Confirm the identity of people suspected of benefit fraud',
      'purposes-CONVICTIONS_DISPOSALS': 'REVENUE_ENFORCEMENT',
      'legalBasis-CONVICTIONS_DISPOSALS': 'Social Security Administration Act 1992 s109A',
      'businessCase-CONVICTIONS_DISPOSALS': 'Previous fraud convictions inform the prosecution decision',
      'purposes-CUSTODY_IMAGES': 'REVENUE_ENFORCEMENT',
      'legalBasis-CUSTODY_IMAGES': 'None specific',
      'businessCase-CUSTODY_IMAGES': 'Would help investigators recognise people at interviews',
      requestedValidTo: '2027-12-31',
    });
    assert.equal(submitted.statusCode, 302);
    applicationUrl = submitted.headers.location as string;

    const officer = await signIn('agency.officer');
    assert.equal(
      (await app.inject({ method: 'GET', url: applicationUrl, headers: { cookie: officer } })).statusCode,
      403,
    );

    const panel = await signIn('panel.member');
    const page = await app.inject({ method: 'GET', url: applicationUrl, headers: { cookie: panel } });
    assert.match(page.body, /Panel decision/);
    const itemIds = [...page.body.matchAll(/name="decision-([0-9a-f-]{36})"/g)].map((m) => m[1] as string);
    const uniqueIds = [...new Set(itemIds)];
    assert.equal(uniqueIds.length, 3);
    const datasets = [...page.body.matchAll(/<legend class="govuk-fieldset__legend">\s*([A-Z_]+)\s*<\/legend>/g)].map(
      (m) => m[1],
    );
    const decision: Record<string, string> = {
      reason: 'Identity and convictions meet the lawful framework; images do not',
      validFrom: '2026-11-01',
      validTo: '2027-12-31',
      reviewDue: '2026-11-20',
    };
    uniqueIds.forEach((id, i) => {
      decision[`decision-${id}`] = datasets[i] === 'CUSTODY_IMAGES' ? 'REFUSED' : 'APPROVED';
      decision[`reason-${id}`] = datasets[i] === 'CUSTODY_IMAGES' ? 'No lawful basis for images' : '';
    });
    assert.equal((await form(panel, `${applicationUrl}/decision`, decision)).statusCode, 302);

    const decided = await app.inject({ method: 'GET', url: applicationUrl, headers: { cookie: admin } });
    assert.match(decided.body, /Partly approved/);
    assert.match(decided.body, /Refused: No lawful basis for images/);
    const register = (await app.inject({ method: 'GET', url: '/api/v1/access-register' }))
      .json()
      .entries.filter((e: { organisation: string }) => e.organisation === 'Applicant Agency');
    assert.deepEqual(register.map((e: { dataset: string }) => e.dataset).sort(), [
      'CONVICTIONS_DISPOSALS',
      'NOMINAL_IDENTITY',
    ]);
  });

  it('is appealed by the agency and, upheld, grants what was refused', async () => {
    const admin = await signIn('agency.admin');
    assert.equal(
      (
        await form(admin, `${applicationUrl}/appeal`, {
          grounds: 'Images are needed to confirm identity at interview under caution',
        })
      ).statusCode,
      302,
    );
    const panel = await signIn('panel.member');
    const upheld = await form(panel, `${applicationUrl}/appeal-decision`, {
      outcome: 'UPHELD',
      reason: 'Identity at interview is a lawful need',
      validFrom: '2026-11-01',
      validTo: '2027-12-31',
      reviewDue: '2026-11-25',
    });
    assert.equal(upheld.statusCode, 302);
    const register = (await app.inject({ method: 'GET', url: '/api/v1/access-register' }))
      .json()
      .entries.filter((e: { organisation: string }) => e.organisation === 'Applicant Agency');
    assert.deepEqual(register.map((e: { dataset: string }) => e.dataset).sort(), [
      'CONVICTIONS_DISPOSALS',
      'CUSTODY_IMAGES',
      'NOMINAL_IDENTITY',
    ]);
    const again = await form(admin, `${applicationUrl}/appeal`, {
      grounds: 'A second appeal should not be possible here',
    });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /cannot be appealed/);
  });

  it('lists reviews coming due and lets the panel suspend an agreement at once', async () => {
    const panel = await signIn('panel.member');
    const list = await app.inject({ method: 'GET', url: '/access-applications', headers: { cookie: panel } });
    assert.match(list.body, /data-testid="reviews-due"/);
    const agreements = await app.inject({ method: 'GET', url: '/agreements', headers: { cookie: panel } });
    const reference = /data-testid="status-(DSA-APP-APPLICANT-[A-Z0-9]+)"/.exec(agreements.body)?.[1] as string;
    assert.ok(reference);
    assert.equal((await form(panel, `/agreements/${reference}/status`, { status: 'SUSPENDED' })).statusCode, 302);
    const register = (await app.inject({ method: 'GET', url: '/api/v1/access-register' }))
      .json()
      .entries.find((e: { agreement: string }) => e.agreement === reference);
    assert.equal(register.status, 'SUSPENDED');
    const officer = await signIn('agency.officer');
    assert.equal(
      (await app.inject({ method: 'GET', url: '/agreements', headers: { cookie: officer } })).statusCode,
      403,
    );
  });
});

describe('applications over the API', () => {
  it('refuses a decision from anyone but the panel, and a decision without reasons', async () => {
    const { key: adminKey } = await services.access.createApiKey({
      organisationCode: 'APPLICANT',
      name: 'portal',
      roles: ['ADMINISTRATOR'],
    });
    const { key: panelKey } = await services.access.createApiKey({
      organisationCode: 'PANEL',
      name: 'panel tool',
      roles: ['ACCESS_PANEL'],
    });
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/access-applications',
      headers: { 'x-api-key': adminKey },
      payload: {
        requestedValidTo: '2027-06-30',
        items: [
          {
            dataset: 'NOMINAL_IDENTITY',
            purposes: ['REVENUE_ENFORCEMENT'],
            legalBasis: 'Finance Act',
            businessCase: 'Confirm identity of suspects of duty evasion',
          },
        ],
      },
    });
    assert.equal(created.statusCode, 201);
    const { id, items } = created.json();
    const body = {
      reason: '',
      items: [{ itemId: items[0].id, decision: 'REFUSED', reason: '' }],
      validFrom: '2026-11-01',
      validTo: '2027-06-30',
      reviewDue: '2027-01-01',
    };
    const byApplicant = await app.inject({
      method: 'POST',
      url: `/api/v1/access-applications/${id}/decision`,
      headers: { 'x-api-key': adminKey },
      payload: body,
    });
    assert.equal(byApplicant.statusCode, 403);
    const incomplete = await app.inject({
      method: 'POST',
      url: `/api/v1/access-applications/${id}/decision`,
      headers: { 'x-api-key': panelKey },
      payload: body,
    });
    assert.equal(incomplete.statusCode, 400);
    assert.deepEqual(
      incomplete
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
      ['items/0/reason', 'reason'],
    );
    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/access-applications/${id}/decision`,
      headers: { 'x-api-key': panelKey },
      payload: {
        ...body,
        reason: 'No lawful framework shown',
        items: [{ itemId: items[0].id, decision: 'REFUSED', reason: 'Not evidenced' }],
      },
    });
    assert.equal(refused.json().status, 'REFUSED');
    assert.equal(refused.json().agreementReference, null);
  });
});
