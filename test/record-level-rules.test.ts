// Issue 11, items 1, 2, 3, 5 and 7: the record-level rules of a search result hold for associates, for each name
// and date of birth a search matches by or shows, for identity that came from purpose-limited records, and for
// what a force system is told when it pushes a record naming a person it may not see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import type { AgreementGrantInput } from '../src/modules/access/index.ts';
import { makeAsn, makePncId } from '../src/modules/records/identifiers.ts';
import type { RequestContext } from '../src/platform/request-context.ts';
import { queryRows } from '../src/storage/database.ts';
import { assertAuditLogVerifies, auditEntriesAfter, lastAuditSeq } from './support/audit.ts';
import { ndjson, personChain } from './support/records.ts';
import { organisationWithKey, startTestServices, type TestServices } from './support/services.ts';
import { signedInAs } from './support/web.ts';

let services: TestServices;
let app: FastifyInstance;
const keys = new Map<string, string>();
const ids = new Map<string, string>();

const subject = personChain(700);
const visibleAssociate = personChain(701);
const protectedAssociate = personChain(702);
const intelligenceAssociate = personChain(703);
const twoClassAssociate = personChain(704);
const missingOnlyAssociate = personChain(705);
const missingOnly = personChain(706);
const arrestedAndMissing = personChain(707);
const safeguardingReferral = personChain(708);
const twoPurposes = personChain(709);
const witness = personChain(710);
/** Named by a missing-person system (identity undeclared) and by a custody system with an arrest. */
const splitSources = personChain(714);
/** Known only from an intelligence-class missing-person report. */
const intelligenceMisper = personChain(715);
const unknownPnc = makePncId(2019, 9_999_123);
const unknownAsn = makeAsn(2024, '01', 'ZD', '01', 99_999);

const grant = (dataset: string, purposes: string[]): AgreementGrantInput => ({
  dataset,
  operations: ['read', 'search'],
  purposes,
});

async function organisation(
  code: string,
  kind: 'POLICE_FORCE' | 'NON_POLICE_AGENCY',
  grants: AgreementGrantInput[] | 'police',
  roles: string[],
) {
  keys.set(code, await organisationWithKey(services, code, kind, grants, roles));
}

const apiKey = async (code: string, roles: string[]) =>
  (await services.access.createApiKey({ organisationCode: code, name: `${code} ${roles.join('+')}`, roles })).key;
let administratorKey: string | undefined;
/** The owning force's administrator who holds the protected identity role. */
const adminKey = async () => {
  administratorKey ??= await apiKey('HOMEF', ['ADMINISTRATOR', 'PROTECTED_IDENTITY']);
  return administratorKey;
};

const read = (code: string, url: string, purpose: string) =>
  app.inject({ method: 'GET', url, headers: { 'x-api-key': keys.get(code) as string, 'x-leds-purpose': purpose } });
const push = (code: string, record: object, system = 'OTHER-CUSTODY') =>
  app.inject({
    method: 'POST',
    url: `/api/v1/records?sourceSystem=${system}`,
    headers: { 'x-api-key': keys.get(code) as string },
    payload: record,
  });
const pncSearch = (pnc: string) => `/api/v1/people?pncId=${encodeURIComponent(pnc)}`;

async function personIdOf(pnc: string): Promise<string> {
  const handler = await services.actingFor('HOMEF', ['OFFICER', 'PROTECTED_IDENTITY'], 'INVESTIGATION');
  const [found] = await services.records.searchPeople(handler, { pncId: pnc });
  assert.ok(found, `person ${pnc} is held`);
  return found.personId;
}

const signInAs = (code: string, roles: string[], purpose: string) =>
  signedInAs(app, services, {
    organisationCode: code,
    username: `${code.toLowerCase()}.${roles.join('-').toLowerCase()}`,
    roles,
    purpose,
  });

const association = (n: number, associate: { pncId: string }) => ({
  kind: 'association',
  sourceRecordId: `T700-L${n}`,
  person: { sourceRecordId: 'T700-P' },
  associate,
  relationship: 'FAMILY',
});

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  await organisation('HOMEF', 'POLICE_FORCE', 'police', ['SYSTEM_INGEST', 'SYSTEM_READ']);
  await organisation('OTHERF', 'POLICE_FORCE', 'police', ['SYSTEM_INGEST']);
  await organisation(
    'AGENCYX',
    'NON_POLICE_AGENCY',
    ['NOMINAL_IDENTITY', 'ASSOCIATES', 'INTELLIGENCE', 'MARKERS'].map((d) => grant(d, ['INVESTIGATION'])),
    ['SYSTEM_READ'],
  );
  await organisation(
    'BORDERX',
    'NON_POLICE_AGENCY',
    [
      grant('NOMINAL_IDENTITY', ['IMMIGRATION_ENFORCEMENT', 'SAFEGUARDING']),
      grant('ARRESTS_CUSTODY', ['IMMIGRATION_ENFORCEMENT']),
      grant('MISSING_PERSONS', ['IMMIGRATION_ENFORCEMENT', 'SAFEGUARDING']),
    ],
    ['SYSTEM_READ'],
  );
  // An agency that reads for immigration enforcement only, and pushes what its officers encounter.
  await organisation(
    'BORDERY',
    'NON_POLICE_AGENCY',
    [
      grant('NOMINAL_IDENTITY', ['IMMIGRATION_ENFORCEMENT']),
      grant('ARRESTS_CUSTODY', ['IMMIGRATION_ENFORCEMENT']),
      { dataset: 'RECORDS', operations: ['push'], purposes: [] },
    ],
    ['SYSTEM_INGEST', 'SYSTEM_READ'],
  );
  const home = await services.actingFor('HOMEF', ['SYSTEM_INGEST']);
  const intelligenceName = {
    ...twoClassAssociate.records[0],
    sourceRecordId: 'T704-PI',
    materialClass: 'INTELLIGENCE',
    names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Aaronsecret' }],
    datesOfBirth: [{ date: '1985-01-01' }],
    identifiers: [{ type: 'PNC_ID', value: twoClassAssociate.pncId }],
  };
  const custody = await services.ingest.ingestBatch(
    home,
    'HOME-CUSTODY',
    ndjson([
      ...subject.records,
      visibleAssociate.records[0],
      { ...protectedAssociate.records[0], protectedIdentity: true },
      { ...intelligenceAssociate.records[0], materialClass: 'INTELLIGENCE' },
      { ...twoClassAssociate.records[0], names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Zulu704' }] },
      ...arrestedAndMissing.records,
      { ...safeguardingReferral.records[0], gatheredFor: ['SAFEGUARDING'] },
      safeguardingReferral.records[1],
      { ...witness.records[0], protectedIdentity: true },
      witness.records[1],
    ]),
  );
  assert.equal(custody.rejectedCount, 0);
  const intelligence = await services.ingest.ingestBatch(home, 'HOME-INTEL', ndjson([intelligenceName]));
  assert.equal(intelligence.rejectedCount, 0);
  // People known to LEDS only from a missing-person report.
  const missing = await services.ingest.ingestBatch(
    home,
    'HOME-MISPER',
    ndjson([
      missingOnlyAssociate.records[0],
      { ...missingOnlyAssociate.records[9], person: { sourceRecordId: 'T705-P' } },
      { ...missingOnly.records[0], names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Misperonly' }] },
      { ...missingOnly.records[9], person: { sourceRecordId: 'T706-P' } },
      { ...splitSources.records[0], names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Misper714' }] },
      { ...splitSources.records[9], person: { sourceRecordId: 'T714-P' } },
      {
        ...intelligenceMisper.records[0],
        names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Intelmisper715' }],
      },
      { ...intelligenceMisper.records[9], person: { sourceRecordId: 'T715-P' }, materialClass: 'INTELLIGENCE' },
      {
        ...twoPurposes.records[0],
        gatheredFor: ['SAFEGUARDING'],
        names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Safeguard709' }],
        identifiers: [{ type: 'PNC_ID', value: twoPurposes.pncId }],
      },
    ]),
  );
  assert.equal(missing.rejectedCount, 0);
  // The same person as twoPurposes, as a custody system knows them: identity gathered for policing.
  const second = await services.ingest.ingestBatch(
    home,
    'HOME-CUSTODY2',
    ndjson([
      {
        ...twoPurposes.records[0],
        sourceRecordId: 'T709-P2',
        names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Custody709' }],
        identifiers: [{ type: 'PNC_ID', value: twoPurposes.pncId }],
      },
      { ...twoPurposes.records[1], person: { pncId: twoPurposes.pncId } },
      {
        ...splitSources.records[0],
        sourceRecordId: 'T714-P2',
        names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Custody714' }],
      },
      { ...splitSources.records[1], person: { pncId: splitSources.pncId } },
    ]),
  );
  assert.equal(second.rejectedCount, 0);
  const links = await services.ingest.ingestBatch(
    home,
    'HOME-CUSTODY',
    ndjson(
      [visibleAssociate, protectedAssociate, intelligenceAssociate, twoClassAssociate, missingOnlyAssociate].map(
        (a, i) => association(i + 1, { pncId: a.pncId }),
      ),
    ),
  );
  assert.equal(links.rejectedCount, 0);
  for (const [name, chain] of Object.entries({
    subject,
    visibleAssociate,
    protectedAssociate,
    intelligenceAssociate,
    twoClassAssociate,
    missingOnlyAssociate,
    missingOnly,
    arrestedAndMissing,
    safeguardingReferral,
    twoPurposes,
    witness,
    splitSources,
    intelligenceMisper,
  }))
    ids.set(name, await personIdOf(chain.pncId));
});

after(async () => {
  await assertAuditLogVerifies(services);
  await app.close();
  await services.close();
});

const id = (name: string) => ids.get(name) as string;

describe('associates are people: every record-level rule of a search result applies to them', () => {
  it('leaves out a protected identity and an intelligence-only nominal for an agency, without a trace', async () => {
    const response = await read('AGENCYX', `/api/v1/people/${id('subject')}`, 'INVESTIGATION');
    assert.equal(response.statusCode, 200);
    const record = response.json();
    assert.deepEqual(
      record.associates.map((a: { associatePersonId: string }) => a.associatePersonId).sort(),
      [id('visibleAssociate'), id('twoClassAssociate'), id('missingOnlyAssociate')].sort(),
    );
    // No id, no name, no count: the answer is what it would be if the hidden people did not exist.
    for (const hidden of ['protectedAssociate', 'intelligenceAssociate'])
      assert.ok(!response.body.includes(id(hidden)));
    assert.ok(!response.body.includes('Examplar702') && !response.body.includes('Examplar703'));
    assert.equal(
      record.view.withheld.some((w: { section: string }) => w.section === 'intelligence' || w.section === 'associates'),
      false,
    );
    const section = await read('AGENCYX', `/api/v1/people/${id('subject')}/associates`, 'INVESTIGATION');
    assert.deepEqual(section.json().associates, record.associates);
  });

  it('shows an associate under a name the caller may see, never an intelligence-class one', async () => {
    const record = (await read('AGENCYX', `/api/v1/people/${id('subject')}`, 'INVESTIGATION')).json();
    const twoClass = record.associates.find(
      (a: { associatePersonId: string }) => a.associatePersonId === id('twoClassAssociate'),
    );
    assert.equal(twoClass.surname, 'Zulu704');
  });

  it('shows the protected identity only to the named role, and the intelligence nominal to a police officer', async () => {
    const officer = await services.actingFor('HOMEF', ['OFFICER'], 'INVESTIGATION');
    const handler = await services.actingFor('HOMEF', ['OFFICER', 'PROTECTED_IDENTITY'], 'INVESTIGATION');
    const shown = async (ctx: RequestContext) =>
      ((await services.records.viewPerson(ctx, id('subject'))).associates ?? []).map((a) => a.associatePersonId);
    const toOfficer = await shown(officer);
    assert.ok(toOfficer.includes(id('intelligenceAssociate')));
    assert.ok(!toOfficer.includes(id('protectedAssociate')));
    assert.ok((await shown(handler)).includes(id('protectedAssociate')));
  });

  it('shows the same on the person page', async () => {
    const cookie = await signInAs('AGENCYX', ['INVESTIGATOR'], 'INVESTIGATION');
    const page = await app.inject({ method: 'GET', url: `/people/${id('subject')}`, headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-testid="associates"/);
    assert.match(page.body, /ZULU704, Testina/);
    for (const hidden of ['protectedAssociate', 'intelligenceAssociate']) assert.ok(!page.body.includes(id(hidden)));
    assert.doesNotMatch(page.body, /EXAMPLAR702|EXAMPLAR703|AARONSECRET/);
  });
});

describe('a name the caller may not see neither matches nor shows', () => {
  it('does not match an agency search on an intelligence-class name, and audits who it left out and why', async () => {
    const before = await lastAuditSeq(services);
    const response = await read('AGENCYX', '/api/v1/people?surname=Aaronsecret&forename=Testina', 'INVESTIGATION');
    assert.deepEqual(response.json().people, []);
    const [entry] = (await auditEntriesAfter(services, before)).filter((e) => e.kind === 'SEARCH_PERFORMED');
    assert.deepEqual(entry?.subjects, []);
    assert.deepEqual(entry?.details.withheld, [{ personId: id('twoClassAssociate'), reason: 'intelligence' }]);
    const police = await services.records.searchPeople(
      await services.actingFor('HOMEF', ['OFFICER'], 'INVESTIGATION'),
      { surname: 'Aaronsecret', forename: 'Testina' },
    );
    assert.deepEqual(
      police.map((p) => p.personId),
      [id('twoClassAssociate')],
    );
  });

  it('summarises the person by what the caller may see: name and date of birth', async () => {
    for (const url of [pncSearch(twoClassAssociate.pncId), '/api/v1/people?surname=Zulu704&forename=Test']) {
      const [person] = (await read('AGENCYX', url, 'INVESTIGATION')).json().people;
      assert.equal(person.surname, 'Zulu704', url);
      assert.equal(person.dateOfBirth, '1990-04-03', url);
    }
    const byIntelligenceDate = await read(
      'AGENCYX',
      '/api/v1/people?surname=Zulu704&dateOfBirth=1985-01-01',
      'INVESTIGATION',
    );
    assert.deepEqual(byIntelligenceDate.json().people, []);
  });

  it('shows the same on the results page', async () => {
    const cookie = await signInAs('AGENCYX', ['INVESTIGATOR'], 'INVESTIGATION');
    const page = await app.inject({
      method: 'GET',
      url: `/people/search?pncId=${encodeURIComponent(twoClassAssociate.pncId)}`,
      headers: { cookie },
    });
    assert.match(page.body, /ZULU704, Testina/);
    assert.doesNotMatch(page.body, /AARONSECRET/);
  });
});

describe('identity carries the purposes of the records it came from', () => {
  it('does not find a person known only from a missing-person report for immigration enforcement', async () => {
    const before = await lastAuditSeq(services);
    const search = await read('BORDERX', pncSearch(missingOnly.pncId), 'IMMIGRATION_ENFORCEMENT');
    assert.deepEqual(search.json().people, []);
    const byName = await read(
      'BORDERX',
      '/api/v1/people?surname=Misperonly&forename=Testina',
      'IMMIGRATION_ENFORCEMENT',
    );
    assert.deepEqual(byName.json().people, []);
    const view = await read('BORDERX', `/api/v1/people/${id('missingOnly')}`, 'IMMIGRATION_ENFORCEMENT');
    assert.equal(view.statusCode, 404);
    assert.equal(view.json().code, 'RECORDS_NOT_FOUND');
    // The same answer as for a person LEDS does not hold...
    const nobody = await read(
      'BORDERX',
      `/api/v1/people/00000000-0000-4000-8000-000000000000`,
      'IMMIGRATION_ENFORCEMENT',
    );
    const withoutInstance = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    assert.deepEqual(withoutInstance(view.json()), withoutInstance(nobody.json()));
    // ...but the audit log keeps the real reason.
    const entries = await auditEntriesAfter(services, before);
    const refusal = entries.find((e) => e.kind === 'ACCESS_REFUSED' && e.subjects.includes(id('missingOnly')));
    assert.deepEqual(refusal?.reasons, ['RECORDS_NOT_FOUND', 'ACCESS_PURPOSE_LIMITED']);
    const searched = entries.find((e) => e.kind === 'SEARCH_PERFORMED');
    assert.deepEqual(searched?.details.withheld, [{ personId: id('missingOnly'), reason: 'purpose-limited' }]);
  });

  it('shows the same on the pages: no result, and the person page not found', async () => {
    const cookie = await signInAs('BORDERX', ['INVESTIGATOR'], 'IMMIGRATION_ENFORCEMENT');
    const results = await app.inject({
      method: 'GET',
      url: `/people/search?pncId=${encodeURIComponent(missingOnly.pncId)}`,
      headers: { cookie },
    });
    assert.equal(results.statusCode, 200);
    assert.match(results.body, /0 people found/);
    assert.doesNotMatch(results.body, /MISPERONLY/);
    const page = await app.inject({ method: 'GET', url: `/people/${id('missingOnly')}`, headers: { cookie } });
    assert.equal(page.statusCode, 404);
    assert.doesNotMatch(page.body, /Misperonly/);
  });

  it('finds the same person for safeguarding, and for a police investigation', async () => {
    const safeguarding = await read('BORDERX', `/api/v1/people/${id('missingOnly')}`, 'SAFEGUARDING');
    assert.equal(safeguarding.statusCode, 200);
    assert.equal(safeguarding.json().names[0].surname, 'Misperonly');
    const police = await read('HOMEF', pncSearch(missingOnly.pncId), 'INVESTIGATION');
    assert.equal(police.json().people.length, 1);
  });

  it('finds a person whose arrest supplies their identity, without their missing-person report', async () => {
    const [found] = (await read('BORDERX', pncSearch(arrestedAndMissing.pncId), 'IMMIGRATION_ENFORCEMENT')).json()
      .people;
    assert.equal(found.personId, id('arrestedAndMissing'));
    const record = (await read('BORDERX', `/api/v1/people/${found.personId}`, 'IMMIGRATION_ENFORCEMENT')).json();
    assert.equal(record.missingPersonReports, null);
    assert.equal(record.events.length, 1);
  });

  it('does not find a safeguarding referral for immigration enforcement, though it has an arrest', async () => {
    const search = await read('BORDERX', pncSearch(safeguardingReferral.pncId), 'IMMIGRATION_ENFORCEMENT');
    assert.deepEqual(search.json().people, []);
    assert.equal(
      (await read('BORDERX', `/api/v1/people/${id('safeguardingReferral')}`, 'IMMIGRATION_ENFORCEMENT')).statusCode,
      404,
    );
  });

  it('takes the purposes of undeclared identity from the records its own system sent', async () => {
    const record = (await read('BORDERX', `/api/v1/people/${id('splitSources')}`, 'IMMIGRATION_ENFORCEMENT')).json();
    assert.deepEqual(
      record.names.map((n: { surname: string }) => n.surname),
      ['Custody714'],
    );
    assert.equal(record.sex, null, 'the person row came from the missing-person system');
    const search = (surname: string) =>
      read('BORDERX', `/api/v1/people?surname=${surname}&forename=Testina`, 'IMMIGRATION_ENFORCEMENT');
    assert.deepEqual((await search('Misper714')).json().people, []);
    const custody = (await search('Custody714')).json().people as { personId: string; surname: string }[];
    assert.deepEqual(
      custody.filter((p) => p.personId === id('splitSources')).map((p) => p.surname),
      ['Custody714'],
    );
    const safeguarding = (await read('BORDERX', `/api/v1/people/${id('splitSources')}`, 'SAFEGUARDING')).json();
    assert.deepEqual(safeguarding.names.map((n: { surname: string }) => n.surname).sort(), ['Custody714', 'Misper714']);
  });

  it('takes the purposes of identity from records of a class hidden from the caller too', async () => {
    const search = await read('BORDERX', pncSearch(intelligenceMisper.pncId), 'IMMIGRATION_ENFORCEMENT');
    assert.deepEqual(search.json().people, []);
    const view = await read('BORDERX', `/api/v1/people/${id('intelligenceMisper')}`, 'IMMIGRATION_ENFORCEMENT');
    assert.equal(view.statusCode, 404);
    // For safeguarding the identity may be used; the intelligence report itself is still not shown.
    const safeguarding = (await read('BORDERX', `/api/v1/people/${id('intelligenceMisper')}`, 'SAFEGUARDING')).json();
    assert.equal(safeguarding.names[0].surname, 'Intelmisper715');
    assert.deepEqual(safeguarding.missingPersonReports, []);
  });

  it('shows only the identity a compatible record supplied, and says something was withheld', async () => {
    const record = (await read('BORDERX', `/api/v1/people/${id('twoPurposes')}`, 'IMMIGRATION_ENFORCEMENT')).json();
    assert.deepEqual(
      record.names.map((n: { surname: string }) => n.surname),
      ['Custody709'],
    );
    assert.equal(record.sex, null, 'the person row came from the safeguarding record');
    assert.ok(record.view.withheld.some((w: { section: string; count: number }) => w.section === 'purposeLimited'));
    assert.deepEqual(
      (await read('BORDERX', '/api/v1/people?surname=Safeguard709&forename=Testina', 'IMMIGRATION_ENFORCEMENT')).json()
        .people,
      [],
    );
    const [custody] = (
      await read('BORDERX', '/api/v1/people?surname=Custody709&forename=Testina', 'IMMIGRATION_ENFORCEMENT')
    ).json().people;
    assert.equal(custody.surname, 'Custody709');
    assert.equal(custody.sex, null);
    const safeguarding = (await read('BORDERX', `/api/v1/people/${id('twoPurposes')}`, 'SAFEGUARDING')).json();
    assert.deepEqual(safeguarding.names.map((n: { surname: string }) => n.surname).sort(), [
      'Custody709',
      'Safeguard709',
    ]);
  });

  it('refuses a purpose LEDS does not know, naming the field', async () => {
    const response = await push('HOMEF', { ...personChain(711).records[0], gatheredFor: ['NOT_A_PURPOSE'] }, 'HOME-X');
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().errors[0].field, '/body/gatheredFor/0');
  });
});

describe('a push is answered the same whether or not it names a person the pusher may not see', () => {
  const shape = (body: { batch: Record<string, unknown>; line: Record<string, unknown> }) => ({
    keys: Object.keys(body.line).sort(),
    outcome: body.line.outcome,
    recordKind: body.line.recordKind,
    problems: body.line.problems,
    counts: [body.batch.createdCount, body.batch.updatedCount, body.batch.rejectedCount],
  });
  const arrest = (n: string, person: object) => ({
    ...witness.records[1],
    sourceRecordId: `O-A${n}`,
    person,
    asn: makeAsn(2024, '02', 'ZD', '01', 70_000 + Number(n)),
  });

  it('answers an arrest naming a protected identity exactly as one naming nobody', async () => {
    const hidden = await push('OTHERF', arrest('1', { pncId: witness.pncId }));
    const nobody = await push('OTHERF', arrest('2', { pncId: unknownPnc }));
    assert.equal(hidden.statusCode, nobody.statusCode);
    assert.equal(hidden.statusCode, 201);
    assert.deepEqual(shape(hidden.json()), shape(nobody.json()));
    assert.ok(!hidden.body.includes(id('witness')));
    assert.equal('personId' in hidden.json().line, false);
  });

  it('answers a record naming a protected identity’s arrest exactly as one naming no arrest', async () => {
    const disposal = (n: string, asn: string) => ({
      kind: 'disposal',
      sourceRecordId: `O-D${n}`,
      arrest: { asn },
      outcome: 'NO_FURTHER_ACTION',
      disposedOn: '2024-05-01',
      recordable: true,
    });
    const hidden = await push('OTHERF', disposal('1', witness.asn));
    const nobody = await push('OTHERF', disposal('2', unknownAsn));
    assert.deepEqual(shape(hidden.json()), shape(nobody.json()));
    assert.ok(!hidden.body.includes(id('witness')));
  });

  it('never names the person in a batch reply or a line report', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/ingest-batches?sourceSystem=OTHER-CUSTODY',
      headers: { 'x-api-key': keys.get('OTHERF') as string, 'content-type': 'application/x-ndjson' },
      payload: ndjson([arrest('3', { pncId: witness.pncId }), arrest('4', { pncId: visibleAssociate.pncId })]).join(
        '\n',
      ),
    });
    assert.equal(response.statusCode, 201);
    const { batch } = response.json();
    assert.equal(batch.createdCount, 2);
    const before = await lastAuditSeq(services);
    const lines = await app.inject({
      method: 'GET',
      url: `/api/v1/ingest-batches/${batch.batchId}/lines`,
      headers: { 'x-api-key': keys.get('OTHERF') as string },
    });
    assert.equal(lines.statusCode, 200);
    for (const line of lines.json().lines) assert.equal('personId' in line, false);
    assert.ok(!lines.body.includes(id('witness')) && !lines.body.includes(id('visibleAssociate')));
    // Item 7: the line report is a read of what the system sent, and is audited.
    const [viewed] = (await auditEntriesAfter(services, before)).filter((e) => e.kind === 'INGEST_LINES_VIEWED');
    assert.equal(viewed?.details.batchId, batch.batchId);
    assert.ok(viewed?.shown);
  });

  it('tells the auditors the truth: which person the held record names, and why it is held', async () => {
    const entries = await auditEntriesAfter(services, 0);
    const held = entries.find((e) => e.kind === 'RECORD_RECEIVED' && e.details.sourceRecordId === 'O-A1');
    assert.equal(held?.details.held, 'PERSON_NOT_VISIBLE');
    assert.deepEqual(held?.subjects, [id('witness')]);
    const nobody = entries.find((e) => e.kind === 'RECORD_RECEIVED' && e.details.sourceRecordId === 'O-A2');
    assert.equal(nobody?.details.held, 'NAMES_NO_PERSON');
  });

  it('holds the record for the owning force, shown only to an administrator with the protected identity role', async () => {
    const plain = await app.inject({
      method: 'GET',
      url: '/api/v1/held-records',
      headers: { 'x-api-key': await apiKey('HOMEF', ['ADMINISTRATOR']) },
    });
    assert.equal(plain.statusCode, 200);
    assert.deepEqual(plain.json().heldRecords, []);
    const named = (
      await app.inject({ method: 'GET', url: '/api/v1/held-records', headers: { 'x-api-key': await adminKey() } })
    ).json().heldRecords as { id: string; sourceRecordId: string; personId: string; pushedBy: string }[];
    assert.deepEqual(named.map((h) => h.sourceRecordId).sort(), ['O-A1', 'O-A3', 'O-D1']);
    assert.ok(named.every((h) => h.personId === id('witness') && h.pushedBy === 'OTHERF'));
    // The pusher's own administrator has nothing to review: what names nobody is only in its list of records not
    // linked, alike with those held for another force.
    const pusherAdmin = await apiKey('OTHERF', ['ADMINISTRATOR', 'PROTECTED_IDENTITY']);
    const pushersOwn = await app.inject({
      method: 'GET',
      url: '/api/v1/held-records',
      headers: { 'x-api-key': pusherAdmin },
    });
    assert.deepEqual(pushersOwn.json().heldRecords, []);
    // Another force's administrator does not see them at all.
    const other = await app.inject({
      method: 'POST',
      url: `/api/v1/held-records/${named[0]?.id}/link`,
      headers: { 'x-api-key': keys.get('OTHERF') as string },
      payload: {},
    });
    assert.equal(other.statusCode, 403);
  });

  it('links a held arrest to the person it names, and the pusher sees nothing change', async () => {
    const admin = await adminKey();
    const notLinked = async () =>
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/held-records/not-linked',
          headers: { 'x-api-key': keys.get('OTHERF') as string },
        })
      ).json().records as { id: string; sourceRecordId: string }[];
    const before = await notLinked();
    assert.deepEqual(before.map((r) => r.sourceRecordId).sort(), ['O-A1', 'O-A2', 'O-A3', 'O-D1', 'O-D2']);
    const held = (
      await app.inject({ method: 'GET', url: '/api/v1/held-records', headers: { 'x-api-key': admin } })
    ).json().heldRecords as { id: string; sourceRecordId: string }[];
    const arrestHeld = held.find((h) => h.sourceRecordId === 'O-A1');
    const linked = await app.inject({
      method: 'POST',
      url: `/api/v1/held-records/${arrestHeld?.id}/link`,
      headers: { 'x-api-key': admin },
      payload: { reason: 'Arrested by OTHERF under the same PNC ID' },
    });
    assert.equal(linked.statusCode, 200);
    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/held-records/${held.find((h) => h.sourceRecordId === 'O-D1')?.id}/refusal`,
      headers: { 'x-api-key': admin },
      payload: { reason: 'Not the same person' },
    });
    assert.equal(refused.statusCode, 200);
    const handler = await services.actingFor('HOMEF', ['OFFICER', 'PROTECTED_IDENTITY'], 'INVESTIGATION');
    const record = await services.records.viewPerson(handler, id('witness'));
    assert.ok(record.events?.some((e) => e.provenance.sourceRecordId === 'O-A1'));
    assert.deepEqual(await notLinked(), before, 'linked or refused, the pusher’s list is unchanged');
  });

  it('links a record its pusher corrects to a person it may see', async () => {
    const corrected = await push('OTHERF', arrest('2', { pncId: visibleAssociate.pncId }));
    assert.equal(corrected.json().line.outcome, 'UPDATED');
    const records = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/held-records/not-linked',
        headers: { 'x-api-key': keys.get('OTHERF') as string },
      })
    ).json().records as { sourceRecordId: string }[];
    assert.ok(!records.some((r) => r.sourceRecordId === 'O-A2'));
    const record = (await read('HOMEF', `/api/v1/people/${id('visibleAssociate')}`, 'INVESTIGATION')).json();
    assert.ok(
      record.events.some((e: { provenance: { sourceRecordId: string } }) => e.provenance.sourceRecordId === 'O-A2'),
    );
  });

  it('answers a record sent again unchanged the same way whether it waits, was linked or was refused', async () => {
    const disposal = (n: string, asn: string) => ({
      kind: 'disposal',
      sourceRecordId: `O-D${n}`,
      arrest: { asn },
      outcome: 'NO_FURTHER_ACTION',
      disposedOn: '2024-06-01',
      recordable: true,
    });
    const waits = disposal('5', witness.asn);
    const linked = disposal('6', witness.asn);
    const refused = disposal('7', witness.asn);
    const nobody = disposal('8', unknownAsn);
    const first = new Map<string, { recordId: string }>();
    for (const record of [waits, linked, refused, nobody])
      first.set(record.sourceRecordId, (await push('OTHERF', record)).json().line);
    const admin = await adminKey();
    const held = (
      await app.inject({ method: 'GET', url: '/api/v1/held-records', headers: { 'x-api-key': admin } })
    ).json().heldRecords as { id: string; sourceRecordId: string }[];
    const heldId = (sourceRecordId: string) => held.find((h) => h.sourceRecordId === sourceRecordId)?.id;
    const decided = await Promise.all([
      app.inject({
        method: 'POST',
        url: `/api/v1/held-records/${heldId('O-D6')}/link`,
        headers: { 'x-api-key': admin },
        payload: {},
      }),
      app.inject({
        method: 'POST',
        url: `/api/v1/held-records/${heldId('O-D7')}/refusal`,
        headers: { 'x-api-key': admin },
        payload: { reason: 'Not ours' },
      }),
    ]);
    assert.deepEqual(
      decided.map((r) => r.statusCode),
      [200, 200],
    );
    for (const record of [waits, linked, refused, nobody]) {
      const again = await push('OTHERF', record);
      assert.equal(again.statusCode, 200, record.sourceRecordId);
      assert.deepEqual(
        { outcome: again.json().line.outcome, recordId: again.json().line.recordId },
        { outcome: 'UNCHANGED', recordId: first.get(record.sourceRecordId)?.recordId },
        record.sourceRecordId,
      );
    }
    // A later change to one the reviewer refused waits for review again, as a change to one still waiting does.
    const changedRefused = await push('OTHERF', { ...refused, disposedOn: '2024-06-02' });
    const changedWaiting = await push('OTHERF', { ...waits, disposedOn: '2024-06-02' });
    assert.deepEqual(shape(changedRefused.json()), shape(changedWaiting.json()));
    assert.equal(changedRefused.json().line.recordId, first.get('O-D7')?.recordId);
  });

  it('holds a record that refers to one linked to a hidden person as it holds one referring to a held record', async () => {
    // O-A1 was linked to the protected person by its force's review; O-A2 was corrected to a visible person; O-A3
    // still waits. A charge on each answers alike, and only the one on a visible person's arrest is stored.
    const charge = (n: string, arrest: string) => ({
      kind: 'charge',
      sourceRecordId: `O-C${n}`,
      arrest: { sourceRecordId: arrest },
      chargedOn: '2024-02-02',
      offences: [
        { sourceRecordId: `O-C${n}-1`, offenceCode: 'TH68001', title: 'Theft', recordable: true, qualifying: false },
      ],
    });
    const onLinked = await push('OTHERF', charge('1', 'O-A1'));
    const onWaiting = await push('OTHERF', charge('3', 'O-A3'));
    const onVisible = await push('OTHERF', charge('2', 'O-A2'));
    assert.deepEqual(shape(onLinked.json()), shape(onWaiting.json()));
    assert.deepEqual(shape(onLinked.json()), shape(onVisible.json()));
    const notLinked = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/held-records/not-linked',
        headers: { 'x-api-key': keys.get('OTHERF') as string },
      })
    ).json().records as { sourceRecordId: string }[];
    const ids = notLinked.map((r) => r.sourceRecordId);
    assert.ok(ids.includes('O-C1') && ids.includes('O-C3') && !ids.includes('O-C2'));
  });

  it('keeps a person record carrying a protected identity’s PNC ID as a person of its own, and merges nothing', async () => {
    const carrying = await push('OTHERF', {
      ...personChain(712).records[0],
      sourceRecordId: 'O-P1',
      identifiers: [{ type: 'PNC_ID', value: witness.pncId }],
    });
    const fresh = await push('OTHERF', { ...personChain(713).records[0], sourceRecordId: 'O-P2' });
    assert.deepEqual(shape(carrying.json()), shape(fresh.json()));
    assert.ok(!carrying.body.includes(id('witness')));
    const own = carrying.json().line.recordId as string;
    assert.notEqual(own, id('witness'));
    // The pusher finds the person it sent, under the PNC ID it sent, as it finds any other it sent: nothing
    // shows that a protected identity holds the same PNC ID.
    const pusher = await services.actingFor('OTHERF', ['OFFICER'], 'INVESTIGATION');
    const found = await services.records.searchPeople(pusher, { pncId: witness.pncId });
    assert.deepEqual(
      found.map((p) => p.personId),
      [own],
    );
    const byName = await services.records.searchPeople(pusher, { surname: 'Examplar712', forename: 'Testina' });
    assert.ok(byName.some((p) => p.personId === own));
    // Its records referring to that person are stored, not held.
    const arrest = await push('OTHERF', {
      ...witness.records[1],
      sourceRecordId: 'O-A9',
      person: { sourceRecordId: 'O-P1' },
      asn: makeAsn(2024, '02', 'ZD', '01', 70_009),
    });
    assert.equal(arrest.json().line.outcome, 'CREATED');
    const mine = await services.records.viewPerson(pusher, own);
    assert.ok(mine.events?.some((e) => e.provenance.sourceRecordId === 'O-A9'));
    // The protected person is untouched.
    const handler = await services.actingFor('HOMEF', ['OFFICER', 'PROTECTED_IDENTITY'], 'INVESTIGATION');
    const record = await services.records.viewPerson(handler, id('witness'));
    assert.deepEqual(
      record.names.map((n) => n.surname),
      ['Examplar710', 'Placeholder'],
    );
  });

  it('tells the protected identity’s force of the possible duplicate, for an administrator with the role to review', async () => {
    const list = async (key: string) =>
      app.inject({ method: 'GET', url: '/api/v1/held-records/possible-duplicates', headers: { 'x-api-key': key } });
    const plain = await list(await apiKey('HOMEF', ['ADMINISTRATOR']));
    assert.equal(plain.statusCode, 200);
    assert.deepEqual(plain.json().possibleDuplicates, []);
    const pusher = await list(await apiKey('OTHERF', ['ADMINISTRATOR', 'PROTECTED_IDENTITY']));
    assert.deepEqual(pusher.json().possibleDuplicates, []);
    const admin = await adminKey();
    const [duplicate, ...more] = (await list(admin)).json().possibleDuplicates;
    assert.equal(more.length, 0);
    assert.equal(duplicate.otherPersonId, id('witness'));
    assert.equal(duplicate.pushedBy, 'OTHERF');
    assert.equal(duplicate.sourceRecordId, 'O-P1');
    assert.deepEqual([duplicate.identifierType, duplicate.value], ['PNC_ID', witness.pncId]);
    // The page shows it, with the review form, to the same administrator only.
    const cookieOf = (roles: string[]) =>
      signedInAs(app, services, {
        organisationCode: 'HOMEF',
        username: `homef.${roles.join('-').toLowerCase()}.dup`,
        roles,
      });
    const withRole = await cookieOf(['ADMINISTRATOR', 'PROTECTED_IDENTITY']);
    const page = async (cookie: string) =>
      (await app.inject({ method: 'GET', url: '/held-records', headers: { cookie } })).body;
    const shownPage = await page(withRole);
    assert.match(shownPage, /data-testid="possible-duplicate"/);
    assert.ok(shownPage.includes(`/held-records/possible-duplicates/${duplicate.id}/review`));
    assert.doesNotMatch(await page(await cookieOf(['ADMINISTRATOR'])), /data-testid="possible-duplicate"/);
    const noNote = await app.inject({
      method: 'POST',
      url: `/held-records/possible-duplicates/${duplicate.id}/review`,
      headers: { cookie: withRole },
      payload: { note: '' },
    });
    assert.equal(noNote.statusCode, 400);
    assert.match(noNote.body, /href="#note-[0-9a-f-]+">Enter what your force makes of it/);
    const review = (key: string, payload: object) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/held-records/possible-duplicates/${duplicate.id}/review`,
        headers: { 'x-api-key': key },
        payload,
      });
    const empty = await review(admin, { note: '  ' });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().errors[0].field, 'note');
    assert.equal((await review(await apiKey('HOMEF', ['ADMINISTRATOR']), { note: 'x' })).statusCode, 404);
    const before = await lastAuditSeq(services);
    const done = await review(admin, { note: 'The same person; OTHERF told by phone' });
    assert.equal(done.statusCode, 200);
    const [entry] = (await auditEntriesAfter(services, before)).filter((e) => e.kind === 'POSSIBLE_DUPLICATE_REVIEWED');
    assert.deepEqual(entry?.subjects, [id('witness'), duplicate.personId]);
    assert.deepEqual((await list(admin)).json().possibleDuplicates, []);
    assert.equal((await review(admin, { note: 'again' })).statusCode, 404);
  });

  it('links nothing an agency pushes to a person it could see under none of its purposes', async () => {
    // missingOnly is known to LEDS only from a missing-person report: BORDERY, reading for immigration enforcement
    // only, may never see them. Naming their PNC ID answers as naming a PNC ID nobody holds, now and later.
    const spare = makePncId(2019, 9_999_716);
    const person = (id: string, pncId: string, surname: string) => ({
      ...personChain(716).records[0],
      sourceRecordId: id,
      names: [{ nameType: 'PRIMARY', forenames: 'Border', surname }],
      identifiers: [{ type: 'PNC_ID', value: pncId }],
    });
    const bordery = (url: string) => read('BORDERY', url, 'IMMIGRATION_ENFORCEMENT');
    const hidden = await push('BORDERY', person('B-P1', missingOnly.pncId, 'Encounterone'), 'BORDER-SYS');
    const nobody = await push('BORDERY', person('B-P2', spare, 'Encountertwo'), 'BORDER-SYS');
    assert.deepEqual(shape(hidden.json()), shape(nobody.json()));
    assert.notEqual(hidden.json().line.recordId, id('missingOnly'));
    const found = async (pnc: string) => (await bordery(pncSearch(pnc))).json().people.length;
    assert.deepEqual([await found(missingOnly.pncId), await found(spare)], [1, 1]);
    const views = await Promise.all(
      [hidden, nobody].map(async (r) => (await bordery(`/api/v1/people/${r.json().line.recordId}`)).statusCode),
    );
    assert.deepEqual(views, [200, 200]);
    // The missing person is untouched, and their force is told of the possible duplicate.
    const police = (await read('HOMEF', `/api/v1/people/${id('missingOnly')}`, 'INVESTIGATION')).json();
    assert.deepEqual(
      police.names.map((n: { surname: string }) => n.surname),
      ['Misperonly'],
    );
    // An arrest naming the missing person's PNC ID links to the agency's own nominal; one naming another PNC ID
    // nobody holds is held: both as for a person nobody else holds.
    const arrest = (n: number, pncId: string) => ({
      ...missingOnly.records[1],
      sourceRecordId: `B-A${n}`,
      person: { pncId },
      asn: makeAsn(2024, '03', 'ZD', '01', 71_600 + n),
    });
    const onHidden = await push('BORDERY', arrest(1, missingOnly.pncId), 'BORDER-SYS');
    const onSpare = await push('BORDERY', arrest(2, spare), 'BORDER-SYS');
    assert.deepEqual(shape(onHidden.json()), shape(onSpare.json()));
    const notLinked = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/held-records/not-linked',
        headers: { 'x-api-key': keys.get('BORDERY') as string },
      })
    ).json().records as { sourceRecordId: string }[];
    assert.deepEqual(
      notLinked.map((r) => r.sourceRecordId),
      [],
    );
  });
});

describe('deleting a hidden person tells the pusher of a record held against them nothing', () => {
  it('leaves a record held or refused against the person as one naming nobody: listed alike, no notice, sent again alike', async () => {
    const hiddenPerson = personChain(717);
    const home = await services.actingFor('HOMEF', ['SYSTEM_INGEST']);
    const loaded = await services.ingest.ingestBatch(
      home,
      'HOME-CUSTODY',
      ndjson([{ ...hiddenPerson.records[0], protectedIdentity: true }]),
    );
    assert.equal(loaded.rejectedCount, 0);
    const arrest = (n: number, pncId: string) => ({
      ...hiddenPerson.records[1],
      sourceRecordId: `X-A${n}`,
      person: { pncId },
      asn: makeAsn(2024, '04', 'ZD', '01', 71_700 + n),
    });
    const pushed = [
      arrest(1, hiddenPerson.pncId),
      arrest(2, hiddenPerson.pncId),
      arrest(3, makePncId(2019, 9_999_717)),
    ];
    for (const record of pushed) assert.equal((await push('OTHERF', record, 'X-CUSTODY')).statusCode, 201);
    const admin = await adminKey();
    const held = (
      await app.inject({ method: 'GET', url: '/api/v1/held-records', headers: { 'x-api-key': admin } })
    ).json().heldRecords as { id: string; sourceRecordId: string; personId: string }[];
    const refused = held.find((h) => h.sourceRecordId === 'X-A2');
    const refusal = await app.inject({
      method: 'POST',
      url: `/api/v1/held-records/${refused?.id}/refusal`,
      headers: { 'x-api-key': admin },
      payload: { reason: 'Not this person' },
    });
    assert.equal(refusal.statusCode, 200);
    const asPusher = (url: string) =>
      app.inject({ method: 'GET', url, headers: { 'x-api-key': keys.get('OTHERF') as string } });
    const notLinked = async () =>
      ((await asPusher('/api/v1/held-records/not-linked')).json().records as { sourceRecordId: string }[])
        .map((r) => r.sourceRecordId)
        .filter((id) => id.startsWith('X-A'))
        .sort();
    const listed = await notLinked();
    assert.deepEqual(listed, ['X-A1', 'X-A2', 'X-A3']);
    const notices = async () => (await asPusher('/api/v1/deletion-notices')).json().notices.length;
    const noticesBefore = await notices();

    const personId = refused?.personId as string;
    const officer = await services.actingFor('HOMEF', ['RETENTION_OFFICER', 'PROTECTED_IDENTITY']);
    await services.retention.destroy(
      officer,
      [{ personId, itemKind: 'PERSON_RECORD', itemId: personId, ruleId: 'MOPI3', reason: 'review: dispose' }],
      'test',
    );
    assert.deepEqual(await notLinked(), listed);
    assert.equal(await notices(), noticesBefore, 'no notice for a record that was only held');
    for (const record of pushed) {
      const again = await push('OTHERF', record, 'X-CUSTODY');
      assert.deepEqual([again.statusCode, again.json().line.outcome], [200, 'UNCHANGED'], record.sourceRecordId);
    }
    // Nothing of the deleted person is left in what was held against them.
    const rows = await queryRows<{ n: number }>(
      services.database.db,
      sql`select count(*)::int as n from held_records where person_id = ${personId} or record::text like ${`%${hiddenPerson.pncId}%`}`,
    );
    assert.equal(rows[0]?.n, 0);
  });
});

describe('what is worked out from identity follows the identity it came from', () => {
  it('works a custody image’s age at capture out from the dates of birth the caller is shown', async () => {
    const chain = personChain(718);
    const home = await services.actingFor('HOMEF', ['SYSTEM_INGEST']);
    const custody = await services.ingest.ingestBatch(
      home,
      'HOME-CUSTODY',
      ndjson([{ ...chain.records[0], datesOfBirth: [{ date: '1990-01-01' }] }]),
    );
    // An intelligence source says the same person (same PNC ID) was born in 1970.
    const intelligence = await services.ingest.ingestBatch(
      home,
      'HOME-INTEL',
      ndjson([
        {
          ...chain.records[0],
          sourceRecordId: 'T718-PI',
          materialClass: 'INTELLIGENCE',
          names: [{ nameType: 'PRIMARY', forenames: 'Testina', surname: 'Secret718' }],
          datesOfBirth: [{ date: '1970-01-01' }],
          addresses: [],
        },
      ]),
    );
    const images = await services.ingest.ingestBatch(
      home,
      'HOME-CUSTODY',
      ndjson([chain.records[1], chain.records[5], chain.records[6]]),
    );
    assert.equal(custody.rejectedCount + intelligence.rejectedCount + images.rejectedCount, 0);
    const personId = await personIdOf(chain.pncId);
    const takenAt = (chain.records[6] as { takenAt: string }).takenAt;
    const age = (born: string) =>
      new Date(takenAt).getUTCFullYear() -
      Number(born.slice(0, 4)) -
      (takenAt.slice(5, 10) < born.slice(5, 10) ? 1 : 0);
    // PROSECUTION sees no intelligence: its officer is shown 1990 only, and the age that date gives.
    const prosecution = await services.records.viewPerson(
      await services.actingFor('HOMEF', ['OFFICER'], 'PROSECUTION'),
      personId,
    );
    assert.deepEqual(
      prosecution.datesOfBirth.map((d) => d.date),
      ['1990-01-01'],
    );
    assert.deepEqual(
      prosecution.custodyImages?.map((i) => i.subjectAgeAtCapture),
      [age('1990-01-01')],
    );
    // An investigator who may see the intelligence is shown both dates, and the age the earliest gives.
    const investigation = await services.records.viewPerson(
      await services.actingFor('HOMEF', ['OFFICER'], 'INVESTIGATION'),
      personId,
    );
    assert.equal(investigation.datesOfBirth.length, 2);
    assert.deepEqual(
      investigation.custodyImages?.map((i) => i.subjectAgeAtCapture),
      [age('1970-01-01')],
    );
  });
});
