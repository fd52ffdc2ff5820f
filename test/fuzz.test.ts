// Issue 11, "Done when": a fuzz test over every route. Requests are generated with fast-check from each route's
// schema as the app registered it (`app.routeTable`: the schemas the OpenAPI document is made from, and the pages'
// form schemas), sent as several kinds of caller, with NUL, lone surrogates, repeated fields, wrong types, numbers in
// odd spellings, huge, wide and deeply nested bodies. Every answer must be below 500; every error of the API a problem
// document with a catalogued code, and every error of a page an HTML page.
//
// LEDS_FUZZ_RUNS sets the requests per route (default 40), LEDS_FUZZ_SEED the seed (fixed, so CI is repeatable;
// each route draws from its own seed made from it), LEDS_FUZZ_ROUTE one route to fuzz alone (`POST /purpose`). A
// failure prints the smallest failing request and the command that replays it; a replay starts from the population
// as set up, so a failure that needed what earlier routes changed replays by running the whole file with its seed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { isApiRequest } from '../src/api/request-input.ts';
import { buildApp, type RegisteredRoute } from '../src/app.ts';
import { policeForceGrants } from '../src/demo/demo-personas.ts';
import { errorCatalogue } from '../src/platform/errors.ts';
import { operatorContext, type RequestContext, type Role } from '../src/platform/request-context.ts';
import { queryRows } from '../src/storage/database.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { ndjson, personChain } from './support/records.ts';
import { startTestServices, type TestServices } from './support/services.ts';

// V8 in Node 20 aborts this process now and then with "Fatal error in , line 0 / unreachable code" while
// deoptimising a builtin's continuation (nodejs/node#51555): tens of thousands of odd requests through the same
// handlers make TurboFan optimise and throw away code over and over, and about one run in four met it, the run
// again too. Without the optimising compiler there is nothing to deoptimise; the answers checked are the same.
setFlagsFromString('--no-opt');

const whole = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  assert.ok(Number.isSafeInteger(value) && value >= 0, `${name} must be a whole number`);
  return value;
};
const runsPerRoute = whole('LEDS_FUZZ_RUNS', 40);
const seed = whole('LEDS_FUZZ_SEED', 20_261_101);
/** The one route to fuzz, by method and address as registered (`POST /api/v1/records`), to replay a failure. */
const onlyRoute = process.env.LEDS_FUZZ_ROUTE;

let services: TestServices;
let app: FastifyInstance;
const password = 'fuzz-test-password';
const population = [personChain(960, { surname: 'Fuzzwell' }), personChain(961, { outcome: 'NO_FURTHER_ACTION' })];
const protectedPerson = personChain(962);
const processFailures: unknown[] = [];
const onProcessFailure = (error: unknown) => processFailures.push(error);

// ---------------------------------------------------------------------------------------------------------------
// Callers: each route is fuzzed as several of these, so that requests get past authentication into validation and
// the handlers. A fuzzed request may sign a session out, revoke a key, disable a user, close an audit case or
// suspend an agreement (the ids it is given are real), so each caller is put back after every route that changes
// state (restoreCallers).

interface KeyCaller {
  name: string;
  organisationCode: string;
  roles: Role[];
  purpose: string;
  key: string;
  /** The auditor's open audit case, sent as the case reference. */
  auditCase?: string;
}
interface SessionCaller {
  name: string;
  username: string;
  purpose: string;
  cookie: string;
  auditor?: boolean;
}

const keyCallers: KeyCaller[] = [
  { name: 'police key', organisationCode: 'FUZZF', roles: ['SYSTEM_READ', 'SYSTEM_INGEST'], purpose: 'INVESTIGATION' },
  {
    name: 'agency key',
    organisationCode: 'AGENCYZ',
    roles: ['SYSTEM_READ', 'ADMINISTRATOR'],
    purpose: 'INVESTIGATION',
  },
  { name: 'auditor key', organisationCode: 'FUZZAUD', roles: ['AUDITOR'], purpose: 'AUDIT' },
  {
    name: 'administrator key',
    organisationCode: 'FUZZF',
    roles: ['ADMINISTRATOR', 'PROTECTED_IDENTITY'],
    purpose: 'INVESTIGATION',
  },
  { name: 'retention officer key', organisationCode: 'FUZZF', roles: ['RETENTION_OFFICER'], purpose: 'DATA_QUALITY' },
  { name: 'access panel key', organisationCode: 'FUZZAUD', roles: ['ACCESS_PANEL'], purpose: 'INVESTIGATION' },
].map((caller) => ({ ...caller, roles: caller.roles as Role[], key: '' }));

const sessionCallers: SessionCaller[] = [
  { name: 'officer', username: 'fuzz.officer', purpose: 'INVESTIGATION' },
  { name: 'administrator', username: 'fuzz.admin', purpose: 'INVESTIGATION' },
  { name: 'auditor', username: 'fuzz.auditor', purpose: 'AUDIT', auditor: true },
  { name: 'retention officer', username: 'fuzz.retention', purpose: 'DATA_QUALITY' },
  { name: 'access panel', username: 'fuzz.panel', purpose: 'INVESTIGATION' },
].map((caller) => ({ ...caller, cookie: '' }));

const userRoles: Record<string, { organisationCode: string; roles: Role[] }> = {
  'fuzz.officer': { organisationCode: 'FUZZF', roles: ['OFFICER'] },
  'fuzz.admin': { organisationCode: 'FUZZF', roles: ['ADMINISTRATOR'] },
  'fuzz.auditor': { organisationCode: 'FUZZAUD', roles: ['AUDITOR'] },
  'fuzz.retention': { organisationCode: 'FUZZF', roles: ['RETENTION_OFFICER'] },
  'fuzz.panel': { organisationCode: 'FUZZAUD', roles: ['ACCESS_PANEL'] },
  // Someone for the administrator's pages to disable, enable and sign in as.
  'fuzz.decoy': { organisationCode: 'FUZZF', roles: ['OFFICER'] },
};

/** The headers of each caller by name, read when a request is sent (a restored caller has a new key or cookie). */
function callerHeaders(name: string): Record<string, string> {
  if (name === 'nobody') return {};
  if (name === 'forged key') return { 'x-api-key': 'leds_AAAAAAAA_forgedforgedforgedforgedforgedforged' };
  if (name === 'forged session') return { cookie: 'leds_session=s%3Aforged.forged' };
  const key = keyCallers.find((c) => c.name === name);
  if (key)
    return {
      'x-api-key': key.key,
      'x-leds-purpose': key.purpose,
      ...(key.auditCase ? { 'x-leds-case-reference': key.auditCase } : {}),
    };
  const session = sessionCallers.find((c) => c.name === name);
  assert.ok(session, `caller ${name}`);
  return { cookie: session.cookie };
}
const apiCallerNames = ['nobody', 'forged key', ...keyCallers.map((c) => c.name)];
const pageCallerNames = ['nobody', 'forged session', ...sessionCallers.map((c) => c.name)];

const cookieOf = (response: LightMyRequestResponse) => {
  const raw = response.headers['set-cookie'];
  const first = Array.isArray(raw) ? raw[0] : raw;
  assert.ok(first, 'a session cookie was set');
  return first.split(';')[0] as string;
};

async function createKey(caller: KeyCaller) {
  caller.key = (
    await services.access.createApiKey({
      organisationCode: caller.organisationCode,
      name: `fuzz ${caller.name}`,
      roles: caller.roles,
    })
  ).key;
}

async function openApiAuditCase(caller: KeyCaller) {
  const opened = await app.inject({
    method: 'POST',
    url: '/api/v1/audit/cases',
    headers: { 'x-api-key': caller.key },
    payload: { reason: 'fuzz test: the auditor searches the log' },
  });
  assert.equal(opened.statusCode, 201, opened.body);
  caller.auditCase = opened.json().reference;
}

async function signIn(caller: SessionCaller) {
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    payload: { username: caller.username, password },
  });
  assert.equal(response.statusCode, 302, `${caller.username} signs in`);
  caller.cookie = cookieOf(response);
  await declarePurpose(caller);
}

async function declarePurpose(caller: SessionCaller) {
  const response = caller.auditor
    ? await app.inject({
        method: 'POST',
        url: '/audit/cases',
        headers: { cookie: caller.cookie },
        payload: { reason: 'fuzz test: the auditor searches the log' },
      })
    : await app.inject({
        method: 'POST',
        url: '/purpose',
        headers: { cookie: caller.cookie },
        payload: { purpose: caller.purpose },
      });
  assert.equal(response.statusCode, 302, `${caller.username} declares a purpose`);
}

/** The request context of a key caller, for calling the services directly. */
const keyContext = async (name: string, purpose?: string): Promise<RequestContext> => {
  const caller = keyCallers.find((c) => c.name === name) as KeyCaller;
  const known = await services.access.authenticateApiKey(caller.key);
  assert.ok(known, `the ${name} works`);
  return { ...known, purpose, caseReference: undefined, correlationId: 'fuzz-setup' };
};

const openCase = async (reference: string | null | undefined) =>
  reference !== null &&
  reference !== undefined &&
  (
    await queryRows<{ n: number }>(
      services.database.db,
      sql`select count(*)::int as n from audit_cases where reference = ${reference} and closed_at is null`,
    )
  )[0]?.n === 1;

/** Puts every caller back as it was set up: a working key or session, its purpose, an open audit case. */
async function restoreCallers() {
  // An access panel caller may have suspended or ended an agreement the other callers work under.
  const agreements = await queryRows<{ reference: string }>(
    services.database.db,
    sql`select reference from data_sharing_agreements
        where reference in ('DSA-FUZZF-TEST', 'DSA-OTHERF-TEST', 'DSA-AGENCYZ-FUZZ') and status <> 'ACTIVE'`,
  );
  for (const { reference } of agreements) await services.agreements.setStatus(reference, 'ACTIVE');
  for (const caller of keyCallers) {
    if (!(await services.access.authenticateApiKey(caller.key))) await createKey(caller);
    if (caller.roles.includes('AUDITOR') && !(await openCase(caller.auditCase))) await openApiAuditCase(caller);
  }
  for (const caller of sessionCallers) {
    const token = app.unsignCookie(decodeURIComponent(caller.cookie.slice(caller.cookie.indexOf('=') + 1)));
    const session = token.valid && token.value ? await services.access.resumeSession(token.value) : undefined;
    if (!session) {
      const user = await services.access.findUser(caller.username);
      if (user && !user.active)
        await services.userAccounts.enableUser(await keyContext('administrator key'), caller.username);
      await signIn(caller);
    } else if (
      session.purpose !== caller.purpose ||
      (caller.auditor ? !(await openCase(session.caseReference)) : session.caseReference !== null)
    )
      await declarePurpose(caller);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Values. The ids of the population are read once, after it is made, in an order that does not depend on the random
// ids themselves (by PNC ID, username, key name, reference), so that a seed picks the same things on every run.

interface Pools {
  /** Ids by the collection they are found under in an address (`deletion-applications`, `people`, `cases`). */
  byCollection: Record<string, string[]>;
  all: string[];
}
let pools: Pools = { byCollection: {}, all: [] };

async function readPools(): Promise<Pools> {
  const column = async (query: ReturnType<typeof sql>) =>
    (await queryRows<{ v: string }>(services.database.db, query)).map((r) => String(r.v));
  const byPnc = sql`(select min(i.value) from person_identifiers i where i.person_id = t.person_id)`;
  const people = await column(sql`select t.person_id::text as v from people t order by ${byPnc}`);
  const deletionApplications = await column(
    sql`select id::text as v from deletion_applications order by event_reference`,
  );
  const instruments = await column(sql`select id::text as v from retention_instruments order by kind, made_by`);
  const byCollection: Record<string, string[]> = {
    people,
    'custody-images': await column(sql`select id::text as v from custody_images order by content_sha256`),
    'ingest-batches': await column(sql`select id::text as v from ingest_batches order by source_system, line_count`),
    entries: [
      ...(await column(sql`select seq::text as v from audit_entries order by seq limit 3`)),
      String((await services.auditLog.size()) - 1),
    ],
    instruments,
    cases: await column(sql`select reference as v from audit_cases order by reason`),
    agreements: await column(sql`select reference as v from data_sharing_agreements order by reference`),
    'access-applications': await column(sql`select id::text as v from access_applications order by requested_valid_to`),
    'deletion-applications': deletionApplications,
    applications: deletionApplications,
    'deletion-notices': await column(sql`select id::text as v from deletion_notices order by source_record_id`),
    'held-records': await column(sql`select id::text as v from held_records order by source_record_id`),
    users: await column(sql`select id::text as v from users order by username`),
    'api-keys': await column(sql`select id::text as v from api_keys order by name`),
    items: await column(
      sql`select t.item_id::text as v from retention_decisions t order by ${byPnc}, item_kind, rule_id, due_on`,
    ),
    disposals: await column(sql`select id::text as v from disposals order by disposed_on, outcome`),
  };
  return { byCollection, all: [...new Set(Object.values(byCollection).flat())] };
}

const loneSurrogates = ['\ud800', '\udbff', '\udc00', '\udfff'];
const unstorable = fc.constantFrom('\u0000', ...loneSurrogates);
const oddNumbers = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e+40',
  '1e400',
  '-0',
  '99999999999999999999',
  '9007199254740993',
  '-1',
  '0x1F',
  '1.5',
  '00',
  ' 1',
  '+1',
  '1e-7',
];
const trickyText = [
  '',
  ' ',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  "' or '1'='1",
  '%',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{ 7 * 7 }}',
  '\u202e',
  '\ufeff',
  '😀',
  '/people/search',
  'https://evil.example/',
];
const plausibleText = [
  ...population.flatMap((p) => [p.pncId, p.asn, p.croNumber]),
  protectedPerson.pncId,
  'Fuzzwell',
  'Testina',
  '1990-04-01',
  '2026-11-01',
  '2026-02-30',
  '2031-01-01',
  '2026-11-01T12:00:00Z',
  'INVESTIGATION',
  'AUDIT',
  'NOMINAL_IDENTITY',
  'PERSON',
  'USER',
  'KEEP',
  'DISPOSE',
  'PENDING',
  'ALL',
  'FUZZF',
  'FUZZ-CUSTODY',
  'fuzz.decoy',
  'fuzz.officer',
  '00000000-0000-4000-8000-000000000000',
];
/** Any code points (a NUL among them), no lone surrogate. */
const text = fc.string({ unit: 'binary', maxLength: 30 });
/** Text the edge lets through: no NUL, no lone surrogate. */
const storable = text.map((value) => value.replaceAll('\u0000', ''));
const withUnstorable = fc.tuple(text, unstorable, text).map(([a, b, c]) => a + b + c);
const longText = fc.oneof(
  fc
    .tuple(fc.constantFrom(101, 2_001, 10_001, 70_000), fc.constantFrom('a', 'é', '😀', '\u0000', '\ud800'))
    .map(([length, unit]) => unit.repeat(length)),
  // Text that does not compress, past what one entry of a PostgreSQL index holds (about 2,700 bytes).
  fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((start) => {
    let state = start;
    return Array.from({ length: 3_000 }, () => {
      state = (Math.imul(state, 48_271) >>> 0) % 2_147_483_647;
      return String.fromCodePoint(0x4e00 + (state % 20_000));
    }).join('');
  }),
);
const pooled = () => (pools.all.length > 0 ? fc.constantFrom(...pools.all) : fc.uuid());
const plausible = () => fc.oneof(fc.constantFrom(...plausibleText), pooled(), fc.uuid());
/** Any text a client might send: plausible, odd numbers, tricky, random, unstorable, long. */
const anyText = () =>
  fc.oneof(
    { weight: 3, arbitrary: plausible() },
    { weight: 2, arbitrary: fc.constantFrom(...oddNumbers) },
    { weight: 1, arbitrary: fc.constantFrom(...trickyText) },
    { weight: 2, arbitrary: text },
    { weight: 2, arbitrary: withUnstorable },
    { weight: 1, arbitrary: longText },
  );
const keyName = (known: readonly string[]) =>
  fc.oneof(
    ...(known.length > 0 ? [fc.constantFrom(...known)] : []),
    fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'a[b]', 'a.b', 'toString'),
    text,
    withUnstorable,
  );

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  maxLength?: number;
}

const dates = ['2026-11-01', '2026-10-01', '2026-12-31', '2027-06-30', '1990-04-01', '2020-01-01', '2030-12-31'];
const sentences = [
  'The person has asked for the record to be reviewed',
  'Claim CL-1 against the force is settled',
  'Example Powers Act 2000 section 1',
  'Officers need to know of a warning marker before a visit',
  'x',
];
/**
 * Text that fits a field of this name (an arrest/summons number for `eventReference`, a dataset for `dataset`), so
 * that a request gets past the handler's own checks into what it does.
 */
function namedText(name: string): fc.Arbitrary<string> | undefined {
  const field = name.replace(/-.*$/, '');
  const choices: Record<string, readonly string[]> = {
    eventReference: population.map((p) => p.asn),
    asn: population.map((p) => p.asn),
    pncId: [...population.map((p) => p.pncId), protectedPerson.pncId, '2019/9000960X'],
    croNumber: population.map((p) => p.croNumber),
    dataset: ['NOMINAL_IDENTITY', 'ARRESTS_CUSTODY', 'MARKERS', 'CUSTODY_IMAGES', 'INTELLIGENCE'],
    datasets: ['NOMINAL_IDENTITY', 'ARRESTS_CUSTODY', 'MARKERS', 'CUSTODY_IMAGES', 'INTELLIGENCE'],
    purpose: services.config.purposes.map((p) => p.code),
    purposes: services.config.purposes.map((p) => p.code),
    kind: ['LEGAL_HOLD', 'WRITTEN_CONSENT', 'DISTRICT_JUDGE_EXTENSION', 'EXCEPTIONAL_RETENTION', 'PERSON_VIEWED'],
    outcome: ['KEEP', 'DISPOSE', 'UPHELD', 'DISMISSED', 'CREATED', 'REJECTED', 'ALLOWED', 'DENIED'],
    decision: ['GRANTED', 'REFUSED', 'APPROVED', 'PARTLY_APPROVED'],
    status: ['ACTIVE', 'SUSPENDED', 'ENDED', 'PENDING', 'ACKNOWLEDGED', 'ALL'],
    subjectKind: ['PERSON', 'USER'],
    direction: ['DISREGARD', 'NOT_DISREGARDED'],
    surname: ['Fuzzwell', 'Examplar961', 'Placeholder'],
    forename: ['Testina', 'T', 'Tess'],
    username: ['fuzz.decoy', 'fuzz.officer', 'nobody.here'],
    password: [password, 'wrong-password'],
    overlapHours: ['0', '24', '168', '169'],
    sourceSystem: ['FUZZ-CUSTODY', 'OTHER-CUSTODY'],
    organisationCode: ['FUZZF', 'AGENCYZ'],
    channel: ['API', 'WEB'],
    done: ['api-key-revoked', 'user-disabled', 'user-enabled'],
    // Where a page goes next: of this site, of another, and not fit for a Location header.
    next: ['/people/search', '/audit/entries', '//evil.example', '/\\evil.example', '/people/😀', '/a\u0001b'],
    back: ['/audit/entries', '/audit/entries/1', '/people/search', '/audit/😀', '/audit/\u2028'],
  };
  // Own fields only: a fuzzed name may be `constructor` or `__proto__`.
  const listed = Object.hasOwn(choices, field) ? choices[field] : undefined;
  if (listed) return fc.constantFrom(...listed);
  const idOf: Record<string, string> = {
    personId: 'people',
    subjectId: 'people',
    itemId: 'items',
    disposalId: 'disposals',
    instrumentId: 'instruments',
    batchId: 'ingest-batches',
  };
  const known = Object.hasOwn(idOf, field) ? pools.byCollection[idOf[field] ?? ''] : undefined;
  if (known && known.length > 0)
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: pooled() });
  if (/(^id|Id)$/.test(field)) return pooled();
  if (/(On|From|To|Due|Until|asOf|DateOfBirth|^from|^to|^before)$/.test(field) || field === 'until')
    return fc.constantFrom(...dates);
  if (/reason|grounds|businessCase|legalBasis|evidence|madeBy|Purpose|contact|Name|caseReference/.test(field))
    return fc.constantFrom(...sentences);
  if (/^dob/.test(field)) return fc.constantFrom('1', '4', '1990', '31', '13');
  return undefined;
}

/**
 * Text a field of this schema accepts, as far as can be told from it: what its pattern or format takes, or for free
 * text anything storable (plausible values, tricky text, odd numbers, random text) within its maximum length.
 */
function validText(schema: Schema, name?: string): fc.Arbitrary<string> {
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const named = name === undefined ? undefined : namedText(name);
  if (schema.format === 'date')
    return fc.oneof(
      fc
        .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom('2026-11-01', '1990-04-01', '2026-12-31'),
    );
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'uuid') return fc.oneof(pooled(), fc.uuid());
  const free = fc.oneof(
    ...(named ? [{ weight: 8, arbitrary: named }] : []),
    { weight: 4, arbitrary: plausible() },
    { weight: 1, arbitrary: fc.constantFrom(...trickyText, ...oddNumbers) },
    { weight: 1, arbitrary: storable },
  );
  const max = schema.maxLength;
  // By code points, as the schema counts them, so that no surrogate pair is cut in two.
  return max === undefined ? free : free.map((value) => Array.from(value).slice(0, max).join(''));
}

/** Text a field of this schema refuses, or that sits on its limits: at and past its maximum, a date that is not. */
function invalidText(schema: Schema): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [anyText()];
  if (schema.maxLength !== undefined)
    options.push(fc.constantFrom('x'.repeat(schema.maxLength), 'x'.repeat(schema.maxLength + 1)));
  if (schema.format === 'date')
    options.push(fc.constantFrom('2026-02-30', '2026-13-01', '0000-00-00', '+275760-09-13', '2026-1-1'));
  return fc.oneof(...options);
}

/**
 * A value for a schema: in `valid` mode one the schema accepts as far as can be told (so the request reaches the
 * handler), in `mixed` mode now and then a wrong type or bad text in any field.
 */
function valueFor(
  schema: Schema | undefined,
  mode: 'valid' | 'mixed',
  depth = 0,
  name?: string,
): fc.Arbitrary<unknown> {
  const right = rightValueFor(schema, mode, depth, name);
  if (mode === 'valid') return right;
  return fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: wrongValue(depth) });
}

function rightValueFor(
  schema: Schema | undefined,
  mode: 'valid' | 'mixed',
  depth: number,
  name?: string,
): fc.Arbitrary<unknown> {
  if (!schema) return mode === 'valid' ? plausible() : wrongValue(depth);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((part) => rightValueFor(part, mode, depth, name)));
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = [schema.type].flat()[0];
  switch (type) {
    case 'string':
      return mode === 'valid' ? validText(schema, name) : fc.oneof(validText(schema, name), invalidText(schema));
    case 'integer':
      return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 53, 1e21));
    case 'number':
      return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-0, 1e308));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 3
        ? fc.constant([])
        : fc.array(valueFor(schema.items, mode, depth + 1, name), { minLength: 1, maxLength: 3 });
    case 'object':
      return objectFor(schema, mode, depth);
    default:
      return wrongValue(depth);
  }
}

function objectFor(schema: Schema, mode: 'valid' | 'mixed', depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const known = properties.map(([name]) => name);
  const fields = Object.fromEntries(properties.map(([name, s]) => [name, valueFor(s, mode, depth + 1, name)]));
  const required = (schema.required ?? []).filter((name) => name in fields);
  const patterned = Object.entries(schema.patternProperties ?? {}).map(([pattern, s]) =>
    fc
      .tuple(fc.stringMatching(new RegExp(pattern)), fc.constantFrom('NOMINAL_IDENTITY', 'MARKERS'))
      .chain(([prefix, dataset]) => {
        // A field named after what the page lists (`purposes-MARKERS`): the pattern's prefix and a listed code.
        const field = /^\^?\(?([A-Za-z|]+)\)?-/.test(pattern) ? `${prefix.split('-')[0]}-${dataset}` : prefix;
        return fc.tuple(fc.constant(field), valueFor(s, mode, depth + 1, field));
      }),
  );
  const extra =
    mode === 'valid'
      ? fc.constant([] as [string, unknown][])
      : fc.array(fc.tuple(keyName(known), wrongValue(depth + 1)), { maxLength: 3 });
  return (
    fc
      .tuple(
        mode === 'valid'
          ? fc.record(fields, { requiredKeys: required })
          : fc.oneof(fc.record(fields, { requiredKeys: required }), fc.record(fields, { requiredKeys: [] })),
        patterned.length > 0 ? fc.array(fc.oneof(...patterned), { maxLength: 4 }) : fc.constant([]),
        extra,
      )
      // Object.fromEntries defines `__proto__` as an own field, as JSON.parse does, instead of setting the prototype.
      .map(([own, more, extras]) => Object.fromEntries([...Object.entries(own), ...more, ...extras]))
  );
}

function wrongValue(depth: number): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    anyText(),
    fc.constant([]),
    fc.constant({}),
  );
  if (depth > 3) return leaf;
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(keyName([]), leaf), { maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding. encodeURIComponent refuses a lone surrogate, so one is written as the three bytes it would have in
// generalised UTF-8 (`%ED%A0%80`): invalid UTF-8, exactly what a hostile client sends.

function encodePart(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(value[i] as string);
  }
  return out;
}

/** Pieces of an address sent as they are: broken escapes, escaped NUL and surrogates, overlong UTF-8, dots. */
const rawFragment = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%ED%A0%80',
  '%ED%B0%80',
  '%C0%80',
  '%FF',
  '%2F',
  '%2e%2e',
  '..',
  '+',
  ';',
  '%25',
);

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/**
 * How hostile a request is. A plausible one has ids of the population, the query fields its schema names with values
 * it accepts and a body of the right shape, so that it gets through validation into the handler; an odd one is
 * plausible but for text that is storable yet odd (control characters, other scripts, tricky or long text) in its
 * address and fields, which the edge lets through to the handler; a hostile one has anything anywhere.
 */
type Mode = 'plausible' | 'odd' | 'hostile';

/** Text the edge lets through (no NUL, no lone surrogate) that a handler may not expect. */
const oddText = fc.oneof(
  fc.constantFrom(...trickyText, ...oddNumbers, '/a\u0001b', '\u2028', 'Ā', '\t', '\r\n', 'a'.repeat(2_001)),
  storable,
);

function pathFor(route: RegisteredRoute, mode: Mode): fc.Arbitrary<string> {
  const paramsSchema = route.schema?.params as Schema | undefined;
  const pieces = route.url.split(/(:[A-Za-z0-9_]+)/);
  const arbitraries = pieces.map((piece, i) => {
    if (!piece.startsWith(':')) return fc.constant(piece);
    const name = piece.slice(1);
    // Ids of what the address names (`/deletion-applications/:id`), now and then of anything else.
    const collection = pieces[i - 1]?.split('/').at(-2) ?? '';
    const known = pools.byCollection[collection] ?? [];
    const ofPopulation = fc.oneof(...(known.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []), {
      weight: 1,
      arbitrary: pooled(),
    });
    const valid = validText(paramsSchema?.properties?.[name] ?? {}, name).map(encodePart);
    if (mode === 'plausible')
      return fc.oneof({ weight: 4, arbitrary: ofPopulation.map(encodePart) }, { weight: 1, arbitrary: valid });
    if (mode === 'odd')
      return fc.oneof(
        { weight: 1, arbitrary: ofPopulation.map(encodePart) },
        { weight: 1, arbitrary: oddText.map(encodePart) },
      );
    return fc.oneof(
      { weight: 1, arbitrary: ofPopulation.map(encodePart) },
      { weight: 1, arbitrary: valid },
      { weight: 3, arbitrary: anyText().map(encodePart) },
      { weight: 1, arbitrary: fc.tuple(text, rawFragment).map(([a, b]) => encodePart(a) + b) },
    );
  });
  return fc.tuple(...arbitraries).map((parts) => parts.join(''));
}

function queryFor(route: RegisteredRoute, mode: Mode): fc.Arbitrary<string> {
  const schema = (route.schema?.querystring ?? {}) as Schema;
  const known = Object.keys(schema.properties ?? {});
  const patterned = Object.keys(schema.patternProperties ?? {}).map((p) => fc.stringMatching(new RegExp(p)));
  const pair = (field: string) => (value: string) => `${encodePart(field)}=${encodePart(value)}`;
  if (mode !== 'hostile') {
    if (known.length === 0) return fc.constant('');
    const required = known.filter((f) => schema.required?.includes(f));
    const value = (f: string) => {
      const valid = validText(schema.properties?.[f] ?? {}, f);
      return mode === 'odd' ? fc.oneof(valid, oddText) : valid;
    };
    return fc
      .subarray(known.filter((f) => !required.includes(f)))
      .chain((fields) => fc.tuple(...[...required, ...fields].map((f) => value(f).map(pair(f)))))
      .map((pairs) => pairs.join('&'));
  }
  const name = fc.oneof(
    ...(known.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...known) }] : []),
    ...patterned.map((arbitrary) => ({ weight: 1, arbitrary })),
    { weight: 2, arbitrary: keyName([]) },
  );
  const hostilePair = name.chain((field) =>
    fc
      .tuple(
        fc.oneof(validText(schema.properties?.[field] ?? {}, field), invalidText(schema.properties?.[field] ?? {})),
        fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: rawFragment }),
        fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      )
      // Now and then a field with no `=`, or a raw broken escape after the value.
      .map(([value, raw, equals]) => (equals ? pair(field)(value) + raw : encodePart(field))),
  );
  return fc.tuple(fc.array(hostilePair, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([pairs, repeat]) => {
    // A repeated field: the first again, with another value (`?a=1&a=2`).
    const first = pairs[0];
    if (repeat && first) pairs.push(`${first.split('=')[0]}=2`);
    return pairs.join('&');
  });
}

function headersFor(route: RegisteredRoute): fc.Arbitrary<Record<string, string>> {
  const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
  const declared = Object.keys((route.schema?.headers as Schema | undefined)?.properties ?? {});
  const purposes = services.config.purposes.map((p) => p.code);
  const value = (header: string) =>
    header === 'x-leds-purpose'
      ? fc.oneof(fc.constantFrom(...purposes), printable)
      : fc.oneof(printable, fc.constant('x'.repeat(101)));
  return fc.record(
    {
      ...Object.fromEntries(declared.map((header) => [header, value(header)])),
      authorization: fc.constantFrom('Bearer x', 'Bearer leds_x', 'Basic Zm9vOmJhcg==', `Bearer ${'e'.repeat(300)}`),
      'x-correlation-id': printable,
      'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'none', ''),
      accept: fc.constantFrom('text/html', 'application/json', '*/*', 'application/problem+json'),
      // In place of the caller's: a broken, signed-nothing, over-long or doubled session cookie.
      cookie: fc.constantFrom(
        'leds_session=%ZZ',
        'leds_session=s%3A',
        `leds_session=s%3A${'a'.repeat(4_000)}.b`,
        'leds_session=s%3Ax.y; leds_session=s%3Az.w',
        'leds_session',
        '=; ;',
      ),
      'x-api-key': fc.constantFrom('leds_', 'leds_x_y', `leds_${'a'.repeat(500)}`, 'not-a-key', 'é'),
    },
    { requiredKeys: [] },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies are generated as small descriptions (a 10,000-level nesting is a depth, not the text) and made into
// payloads when sent, so that fast-check prints a failing request readably.

type BodySpec =
  | { kind: 'json'; value: unknown; contentType?: string }
  | { kind: 'text'; text: string; contentType?: string }
  | { kind: 'bytes'; hex: string; contentType: string }
  | { kind: 'deep'; depth: number; open: string; close: string; contentType: string }
  | { kind: 'wide'; entries: number; as: 'object' | 'array' | 'form' }
  | { kind: 'huge'; field: string; length: number; unit: string; as: 'json' | 'form' }
  | { kind: 'form'; pairs: [string, string][] }
  | { kind: 'ndjson'; lines: string[] };

const jsonType = 'application/json';
const formType = 'application/x-www-form-urlencoded';
const ndjsonType = 'application/x-ndjson';

function materialise(body: BodySpec): { contentType?: string; payload: string | Buffer } {
  switch (body.kind) {
    case 'json':
      return { contentType: body.contentType ?? jsonType, payload: JSON.stringify(body.value) ?? 'null' };
    case 'text':
      return { contentType: body.contentType, payload: body.text };
    case 'bytes':
      return { contentType: body.contentType, payload: Buffer.from(body.hex, 'hex') };
    case 'deep':
      return {
        contentType: body.contentType,
        payload: `${body.open.repeat(body.depth)}1${body.close.repeat(body.depth)}`,
      };
    case 'wide': {
      const indexes = Array.from({ length: body.entries }, (_, i) => i);
      if (body.as === 'form') return { contentType: formType, payload: indexes.map((i) => `f${i}=${i}`).join('&') };
      return {
        contentType: jsonType,
        payload: body.as === 'array' ? `[${indexes.join(',')}]` : `{${indexes.map((i) => `"k${i}":${i}`).join(',')}}`,
      };
    }
    case 'huge': {
      const value = body.unit.repeat(body.length);
      return body.as === 'json'
        ? { contentType: jsonType, payload: JSON.stringify({ [body.field]: value }) }
        : { contentType: formType, payload: `${encodePart(body.field)}=${encodePart(value)}` };
    }
    case 'form':
      return {
        contentType: formType,
        payload: body.pairs.map(([name, value]) => `${encodePart(name)}=${encodePart(value)}`).join('&'),
      };
    case 'ndjson':
      return { contentType: ndjsonType, payload: body.lines.join('\n') };
  }
}

const records = [...population.flatMap((p) => p.records), personChain(963).records[0] as Record<string, unknown>];

/** A record as a force system pushes it: as it is, under another source record id, or with a field replaced. */
const pushedRecord = (mode: Mode) =>
  fc
    .tuple(
      fc.constantFrom(...records),
      fc.option(fc.nat({ max: 99 })),
      mode === 'plausible'
        ? fc.constant(null)
        : fc.option(
            fc.tuple(fc.constantFrom(...Object.keys(records[0] ?? {})), mode === 'odd' ? oddText : wrongValue(1)),
          ),
    )
    .map(([record, copy, change]) =>
      Object.fromEntries([
        ...Object.entries(record),
        ...(copy === null ? [] : [['sourceRecordId', `${record.sourceRecordId}-${copy}`]]),
        ...(change ? [change] : []),
      ]),
    );

const ndjsonLine = (mode: Mode) =>
  mode !== 'hostile'
    ? pushedRecord(mode).map((r) => JSON.stringify(r))
    : fc.oneof(
        { weight: 3, arbitrary: pushedRecord(mode).map((r) => JSON.stringify(r)) },
        { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[1]', '"text"', '{"kind":"person"}', '\u0000') },
        { weight: 1, arbitrary: fc.constantFrom(40, 1_000).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`) },
        { weight: 1, arbitrary: wrongValue(0).map((v) => JSON.stringify(v) ?? 'null') },
      );

/** A form's fields as name and value pairs; a list field (checkboxes) comes once for each value. */
const formPairs = (fields: Record<string, unknown>): [string, string][] =>
  Object.entries(fields).flatMap(([name, value]) =>
    Array.isArray(value) ? value.map((v): [string, string] => [name, asText(v)]) : [[name, asText(value)]],
  );

function bodyFor(route: RegisteredRoute, mode: Mode): fc.Arbitrary<BodySpec | undefined> {
  if (route.method === 'GET' || route.method === 'HEAD') return fc.constant(undefined);
  const schema = route.schema?.body as Schema | undefined;
  // A page form's schema is `anyOf: [fields, null]`.
  const fields = (schema?.anyOf?.find((s) => [s.type].flat()[0] === 'object') ?? schema) as Schema | undefined;
  const fieldNames = Object.keys(fields?.properties ?? {});
  const page = !isApiRequest(route.url);
  // A browser sends every field of the form, filled in or not.
  const validForm = objectFor({ ...fields, required: Object.keys(fields?.properties ?? {}) }, 'valid', 0).map(
    formPairs,
  );
  const ndjsonBody = (lines: fc.Arbitrary<string>) =>
    fc.array(lines, { maxLength: 8 }).map((lines): BodySpec => ({ kind: 'ndjson', lines }));
  if (mode !== 'hostile') {
    if (route.url.endsWith('/ingest-batches')) return ndjsonBody(ndjsonLine(mode));
    if (route.url.endsWith('/records')) return pushedRecord(mode).map((value): BodySpec => ({ kind: 'json', value }));
    const valid = page ? validForm : valueFor(schema ?? { type: 'object' }, 'valid');
    // An odd request: one field's value is odd text.
    const oddField = fc.tuple(fc.nat(), oddText);
    return fc.tuple(valid, mode === 'odd' ? oddField : fc.constant(undefined)).map(([value, odd]): BodySpec => {
      if (page) {
        const pairs = value as [string, string][];
        const at = odd && pairs.length > 0 ? odd[0] % pairs.length : -1;
        return { kind: 'form', pairs: pairs.map(([k, v], i): [string, string] => [k, i === at && odd ? odd[1] : v]) };
      }
      const names = value !== null && typeof value === 'object' ? Object.keys(value) : [];
      const name = odd && names.length > 0 ? names[odd[0] % names.length] : undefined;
      return {
        kind: 'json',
        value: name && odd ? Object.fromEntries([...Object.entries(value as object), [name, odd[1]]]) : value,
      };
    });
  }
  const formPair = fc.tuple(
    fieldNames.length > 0 ? fc.oneof(fc.constantFrom(...fieldNames), keyName(fieldNames)) : keyName([]),
    fc.oneof(validText({}), anyText()),
  );
  const form: fc.Arbitrary<BodySpec> = fc
    .tuple(validForm, fc.array(formPair, { maxLength: 3 }), fc.boolean())
    .map(([valid, more, repeat]) => {
      const pairs = [...valid, ...more];
      // A repeated field: the first again (`a=1&a=2`).
      if (repeat && pairs[0]) pairs.push([pairs[0][0], 'again']);
      return { kind: 'form', pairs };
    });
  const json = (values: 'valid' | 'mixed') =>
    valueFor(schema ?? { type: 'object' }, values).map((value): BodySpec => ({ kind: 'json', value }));
  const contentType = fc.constantFrom(jsonType, page ? formType : jsonType);
  const kinds: fc.WeightedArbitrary<BodySpec | undefined>[] = [
    { weight: page ? 1 : 5, arbitrary: json('mixed') },
    { weight: page ? 5 : 1, arbitrary: form },
    { weight: 1, arbitrary: wrongValue(0).map((value): BodySpec => ({ kind: 'json', value })) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('text' as const),
        text: fc.constantFrom(
          '',
          ' ',
          '{',
          '{"a":}',
          'null',
          '"text"',
          '42',
          'true',
          '[]',
          '{"a":1,"a":2}',
          '\ufeff{}',
          '{"a":"\\u0000"}',
          '{"\\u0000":1}',
          '{"a":"\\ud800"}',
          '{"__proto__":{"x":1}}',
          '{"constructor":{"prototype":{"x":1}}}',
          'a=1&a=2',
          '%zz=%',
          'a=%00',
          'a=%ED%A0%80',
        ),
        contentType: fc.constantFrom(
          jsonType,
          formType,
          undefined,
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/problem+json',
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        hex: fc.constantFrom('ff', 'c0af', '7b2261223a22ff227d', 'eda080', '00'),
        contentType,
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(33, 500, 5_000, 50_000), fc.constantFrom(['[', ']'], ['{"a":', '}'], ['[{"a":', '}]']))
        .map(
          ([depth, [open, close]]): BodySpec => ({
            kind: 'deep',
            depth,
            open: open as string,
            close: close as string,
            contentType: jsonType,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('wide' as const),
        entries: fc.constantFrom(1_000, 20_000),
        as: fc.constantFrom('object' as const, 'array' as const, 'form' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('huge' as const),
        field: fieldNames.length > 0 ? fc.constantFrom(...fieldNames) : fc.constant('text'),
        length: fc.constantFrom(20_000, 70_000, 600_000, 1_100_000),
        unit: fc.constantFrom('a', 'é', '\u0000'),
        as: fc.constantFrom('json' as const, 'form' as const),
      }),
    },
    { weight: route.url.endsWith('/ingest-batches') ? 5 : 1, arbitrary: ndjsonBody(ndjsonLine(mode)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ];
  if (route.url.endsWith('/records'))
    kinds.push({ weight: 5, arbitrary: pushedRecord(mode).map((value): BodySpec => ({ kind: 'json', value })) });
  return fc.oneof(...kinds);
}

// ---------------------------------------------------------------------------------------------------------------

interface FuzzRequest {
  method: string;
  url: string;
  caller: string;
  headers: Record<string, string>;
  body: BodySpec | undefined;
}

const shorten = (value: string, length = 300) =>
  value.length > length ? `${value.slice(0, length)}… (${value.length} characters)` : value;

function requestFor(route: RegisteredRoute): fc.Arbitrary<FuzzRequest> {
  const api = isApiRequest(route.url);
  // A caller with no credentials, or forged ones, is refused at once: the others get most of the requests.
  const caller = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...(api ? apiCallerNames : pageCallerNames).slice(0, 2)) },
    { weight: 4, arbitrary: fc.constantFrom(...(api ? apiCallerNames : pageCallerNames).slice(2)) },
  );
  const mode = fc.oneof(
    { weight: 2, arbitrary: fc.constant<Mode>('plausible') },
    { weight: 2, arbitrary: fc.constant<Mode>('odd') },
    { weight: 3, arbitrary: fc.constant<Mode>('hostile') },
  );
  return mode
    .chain((m) =>
      fc.record({
        caller,
        path: pathFor(route, m),
        query: m !== 'hostile' ? queryFor(route, m) : fc.oneof(fc.constant(''), queryFor(route, m)),
        headers:
          m !== 'hostile'
            ? fc.constant({})
            : fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: headersFor(route) }),
        body: bodyFor(route, m),
        // Now and then a method no route has: the address is known, the method is not.
        method:
          m !== 'hostile'
            ? fc.constant(route.method)
            : fc.oneof(
                { weight: 12, arbitrary: fc.constant(route.method) },
                { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS') },
              ),
      }),
    )
    .map(({ caller, path, query, headers, body, method }) => {
      const request: FuzzRequest = {
        method,
        url: query ? `${path}?${query}` : path,
        caller,
        headers,
        body,
      };
      // What fast-check prints for a failing request: the description, cut short.
      return Object.assign(request, {
        [fc.toStringMethod]: () =>
          shorten(
            JSON.stringify({ ...request, url: shorten(request.url), body: body && shorten(JSON.stringify(body), 600) }),
            1_500,
          ),
      });
    });
}

async function send(request: FuzzRequest) {
  const body = request.body && materialise(request.body);
  return app.inject({
    method: request.method as 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS',
    url: request.url,
    headers: {
      ...callerHeaders(request.caller),
      ...request.headers,
      ...(body?.contentType ? { 'content-type': body.contentType } : {}),
    },
    ...(body ? { payload: body.payload } : {}),
  });
}

/** What every answer must be: below 500, and an error in the catalogue's form for the API, a page for pages. */
function checkAnswer(route: RegisteredRoute, request: FuzzRequest, response: LightMyRequestResponse) {
  const said = () =>
    `${request.method} ${shorten(request.url)} answered ${response.statusCode}: ${shorten(response.body, 500)}`;
  assert.ok(response.statusCode < 500, said());
  if (response.statusCode < 400) return;
  const type = String(response.headers['content-type'] ?? '');
  if (!isApiRequest(route.url)) {
    assert.match(type, /^text\/html/, `${said()} (content-type ${type})`);
    return;
  }
  assert.match(type, /^application\/problem\+json/, `${said()} (content-type ${type})`);
  if (request.method === 'HEAD') return;
  const problem = JSON.parse(response.body) as { code?: string; status?: number };
  assert.ok(typeof problem.code === 'string' && Object.hasOwn(errorCatalogue, problem.code), said());
  const { status } = errorCatalogue[problem.code as keyof typeof errorCatalogue];
  assert.equal(problem.status, response.statusCode, said());
  assert.equal(status, response.statusCode, said());
}

/** Each route's own seed, from the file's, so that routes do not all draw the same sequence of choices. */
function routeSeed(route: RegisteredRoute): number {
  let hash = seed;
  for (const c of `${route.method} ${route.url}`) hash = (Math.imul(hash, 31) + (c.codePointAt(0) ?? 0)) | 0;
  return hash;
}

// Static files are served by @fastify/static and Swagger UI from a folder of files, and their wildcard is a file
// name, not a schema: they are outside this test (test/web-security.test.ts checks their headers).
const isStatic = (url: string) => /^\/(assets|static)\//.test(url) || url.startsWith('/api/docs');
const fuzzedRoutes = () => app.routeTable.filter((route) => !isStatic(route.url));

/** The heap after a full collection, where this Node lets the test ask for one. */
function collectedHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

before(async () => {
  process.on('unhandledRejection', onProcessFailure);
  process.on('uncaughtException', onProcessFailure);
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  await app.ready();
  const force = await services.actingFor('FUZZF', ['SYSTEM_INGEST']);
  const otherForce = await services.actingFor('OTHERF', ['SYSTEM_INGEST']);
  await services.access.createOrganisation({ code: 'AGENCYZ', name: 'Agency Z (test)', kind: 'NON_POLICE_AGENCY' });
  await services.agreements.createAgreement({
    organisationCode: 'AGENCYZ',
    reference: 'DSA-AGENCYZ-FUZZ',
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    reviewDue: '2026-06-30',
    grants: policeForceGrants()
      .filter((g) => ['NOMINAL_IDENTITY', 'MARKERS', 'ARRESTS_CUSTODY'].includes(g.dataset))
      .map((g) => ({ ...g, purposes: ['INVESTIGATION'] })),
  });
  await services.access.createOrganisation({ code: 'FUZZAUD', name: 'Audit and panel (test)', kind: 'OVERSIGHT_BODY' });
  const batch = await services.ingest.ingestBatch(
    force,
    'FUZZ-CUSTODY',
    ndjson([...population.flatMap((p) => p.records), { ...protectedPerson.records[0], protectedIdentity: true }]),
  );
  assert.equal(batch.rejectedCount, 0);
  // A push by another force naming the protected person is held for the owning force to review.
  const held = await services.ingest.ingestBatch(
    otherForce,
    'OTHER-CUSTODY',
    ndjson([{ ...protectedPerson.records[1], sourceRecordId: 'O-A1', person: { pncId: protectedPerson.pncId } }]),
  );
  assert.equal(held.rejectedCount, 0);
  for (const [username, { organisationCode, roles }] of Object.entries(userRoles))
    await services.access.createUser({ organisationCode, username, displayName: username, password, roles });
  await services.access.createApiKey({ organisationCode: 'FUZZF', name: 'decoy', roles: ['SYSTEM_INGEST'] });
  for (const caller of keyCallers) await createKey(caller);
  for (const caller of sessionCallers) await signIn(caller);
  await restoreCallers();
  // Decisions, deletions and notices for the retention routes; an application of each kind.
  await services.retention.sweep(operatorContext('JOB'));
  const deletion = await app.inject({
    method: 'POST',
    url: '/api/v1/deletion-applications',
    payload: {
      applicantName: 'Testina Fuzzwell',
      applicantDateOfBirth: '1990-04-01',
      contact: 'testina@example.org',
      eventReference: population[0]?.asn,
      grounds: 'no further action was taken',
    },
  });
  assert.ok(deletion.statusCode < 300, deletion.body);
  const access = await app.inject({
    method: 'POST',
    url: '/api/v1/access-applications',
    headers: callerHeaders('agency key'),
    payload: {
      requestedValidTo: '2027-12-31',
      items: [
        {
          dataset: 'MARKERS',
          purposes: ['INVESTIGATION'],
          legalBasis: 'Example Powers Act 2000 s1',
          businessCase: 'Officers need to know of a warning marker before a visit',
        },
      ],
    },
  });
  assert.equal(access.statusCode, 201, access.body);
  const hold = await app.inject({
    method: 'POST',
    url: '/api/v1/retention/instruments',
    headers: callerHeaders('retention officer key'),
    payload: {
      kind: 'LEGAL_HOLD',
      personId: await services.records
        .searchPeople(await keyContext('police key', 'INVESTIGATION'), { pncId: population[0]?.pncId })
        .then((found) => found[0]?.personId),
      madeOn: '2026-10-01',
      madeBy: 'Force solicitor',
      evidence: 'Claim CL-1',
    },
  });
  assert.equal(hold.statusCode, 201, hold.body);
  pools = await readPools();
});

after(async () => {
  process.off('unhandledRejection', onProcessFailure);
  process.off('uncaughtException', onProcessFailure);
  await assertAuditLogVerifies(services);
  await app.close();
  await services.close();
});

describe('the route table and the OpenAPI document', () => {
  it('lists in the OpenAPI document every API route the app has, with the same parameters, and no other', () => {
    const document = app.swagger() as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    // HEAD routes are the GET routes Fastify adds by itself; @fastify/swagger leaves them out.
    const documented = fuzzedRoutes().filter((r) => !r.schema?.hide && r.method !== 'HEAD');
    assert.ok(
      documented.every((r) => isApiRequest(r.url)),
      'only the API and health routes are in the document',
    );
    assert.ok(documented.filter((r) => r.url.startsWith('/api/')).length > 40, 'the API routes were found');
    assert.deepEqual(
      documented.map((r) => `${r.method} ${openApiPath(r.url)}`).sort(),
      Object.entries(document.paths)
        .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`))
        .sort(),
    );
    for (const route of documented) {
      const operation = document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      const names = (part: unknown) => Object.keys((part as Schema | undefined)?.properties ?? {}).sort();
      for (const [where, part] of [
        ['path', route.schema?.params],
        ['query', route.schema?.querystring],
        ['header', route.schema?.headers],
      ] as const)
        assert.deepEqual(
          (operation?.parameters ?? [])
            .filter((p) => p.in === where)
            .map((p) => p.name)
            .sort(),
          names(part),
          `${route.method} ${route.url}: ${where} parameters`,
        );
    }
  });
});

describe('every route, fuzzed from its schema', () => {
  it(`answers ${runsPerRoute} generated requests a route, as each kind of caller, below 500 and from the catalogue`, async (t) => {
    assert.ok(fuzzedRoutes().length > 150, 'the routes were found');
    const routes = fuzzedRoutes().filter((r) => !onlyRoute || `${r.method} ${r.url}` === onlyRoute);
    assert.ok(routes.length > 0, `no route is ${onlyRoute}`);
    const heapBefore = collectedHeap();
    for (const route of routes) {
      await t.test(`${route.method} ${route.url}`, async () => {
        try {
          await fc.assert(
            // Shrinking is capped, so that a route that fails on every request still reports in seconds.
            fc.asyncProperty(fc.limitShrink(requestFor(route), 300), async (request) => {
              checkAnswer(route, request, await send(request));
              // app.inject answers through promises alone: let the event loop run what each answer left it (a
              // finished response's events), or a long shrink would pile them up until the heap runs out.
              await new Promise((resolve) => setImmediate(resolve));
            }),
            { numRuns: runsPerRoute, seed: routeSeed(route) },
          );
        } catch (error) {
          // fast-check names the route's seed; the route's seed comes from the file's.
          if (error instanceof Error)
            error.message += `\nReplay: LEDS_FUZZ_SEED=${seed} LEDS_FUZZ_ROUTE='${route.method} ${route.url}' node scripts/run-tests.mjs test/fuzz.test.ts`;
          throw error;
        }
        if (route.method !== 'GET' && route.method !== 'HEAD') await restoreCallers();
        assert.deepEqual(processFailures, [], 'no unhandled rejection or exception');
      });
    }
    // The process is still up and its database still answers.
    assert.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
    const heapAfter = collectedHeap();
    assert.ok(
      heapAfter < heapBefore * 2 + 256 * 1024 * 1024,
      `the heap grew from ${Math.round(heapBefore / 1e6)} MB to ${Math.round(heapAfter / 1e6)} MB`,
    );
  });
});
