// The cost of the record-level rules on search (issue 11): a name search as the repository runs it, matching and
// summarising only rows the caller may see (material class, protected identity, and for a purpose-limited caller the
// purposes each identity row was gathered for; the withheld half is asked too, for the audit entry), against the
// plain name match and summary with no rules, both prepared, in one run. The audit write and the access decision are the same for
// both, so they are left out (bench/access-gate.bench.ts and bench/audit.bench.ts measure those).
// Goal: at most 1.5x the plain SQL for an investigation search, at most 2x for immigration enforcement (the
// purpose-limited case, which asks which records supply each identity).
// Then the person page's refusal: opening a person the caller may not see (known only from missing-person reports,
// for immigration enforcement) against opening an id LEDS does not hold, both through the service with their audit
// entries. Goal: at most 1.2x, so that the time of a refusal says little about whether the person exists.
import { sql } from 'drizzle-orm';
import type { VisibilityRules } from '../src/modules/records/identity-visibility.ts';
import { nameKey, RecordsRepository } from '../src/modules/records/index.ts';
import type { RequestContext } from '../src/platform/request-context.ts';
import { compare, startBench } from './bench-population.ts';

const { services, held, seconds, connections } = await startBench();
const { db } = services.database;
type Rows<T> = { rows: T[] };

// Common surnames of the population, each with a forename initial that some of its bearers have.
const names = (
  (await db.execute(sql`
    select n.surname, left(min(n.forenames), 1) as initial from person_names n
    group by n.surname having count(*) >= 3 order by count(*) desc limit 50`)) as unknown as Rows<{
    surname: string;
    initial: string;
  }>
).rows;
if (names.length === 0) throw new Error('the population has no common surnames');

const caller = async (code: string, purpose: string): Promise<RequestContext> => {
  const organisation = await services.access.findOrganisation(code);
  if (!organisation) throw new Error(`the ${code} organisation is missing`);
  return {
    actor: { kind: 'system', id: `bench-${code}`, name: `bench ${code}` },
    organisation: { id: organisation.id, code: organisation.code, kind: organisation.kind },
    roles: ['SYSTEM_READ'],
    purpose,
    caseReference: undefined,
    correlationId: 'bench',
  };
};
const police = await caller('MPS', 'INVESTIGATION');
const border = await caller('UKBF', 'IMMIGRATION_ENFORCEMENT');
const limit = services.config.searchResultLimit;

/**
 * The name search as it was before the rules (match by key and forename prefix, summarise by the first name), its
 * two statements prepared as the search with the rules is, so that only the rules' own work is compared.
 */
async function plainSearch(i: number) {
  const { surname, initial } = names[i % names.length] as { surname: string; initial: string };
  const run = <T>(query: ReturnType<typeof sql>) => services.database.queryStatement<T>(query);
  const matches = {
    rows: await run<{ person_id: string }>(sql`
    select n.person_id from person_names n
    where n.surname_key = ${nameKey(surname)} and n.forename_key like ${`${nameKey(initial)}%`}
    group by n.person_id order by n.person_id limit ${limit}`),
  };
  const ids = matches.rows.map((r) => r.person_id);
  if (ids.length === 0) return [];
  return run(sql`
      select p.person_id, p.sex, pn.forenames, pn.surname,
        (select min(b.date_of_birth) from person_dates_of_birth b where b.person_id = p.person_id and not b.estimated) as dob,
        (select i.value from person_identifiers i where i.person_id = p.person_id and i.identifier_type = 'PNC_ID' limit 1) as pnc
      from people p
      join lateral (select forenames, surname from person_names n where n.person_id = p.person_id
        order by n.name_type <> 'PRIMARY', n.surname limit 1) pn on true
      where p.person_id = any(${`{${ids.join(',')}}`}::uuid[])`);
}

const repository = new RecordsRepository(services.database);
const datasetPurposes = Object.fromEntries(services.config.datasets.map((d) => [d.code, d.gatheredFor]));
/** The rules the service would apply for this caller. */
async function rulesOf(ctx: RequestContext): Promise<VisibilityRules> {
  const view = await services.decisions.viewFor(ctx);
  return {
    intelligence: view.visible.has('INTELLIGENCE'),
    protectedIdentity: (await services.decisions.decide(ctx, 'person.search', { protectedIdentity: true })).allowed,
    limitedPurposes: view.limitedPurposes,
    datasetPurposes,
  };
}
const search = (rules: VisibilityRules) => async (i: number) => {
  const { surname, initial } = names[i % names.length] as { surname: string; initial: string };
  return (await repository.findPeopleByName(surname, initial, undefined, rules, limit)).people;
};

const results: Record<string, Record<string, string | number>> = {};
const ratios: string[] = [];
for (const [label, ctx, goal] of [
  ['investigation (police)', police, 1.5],
  ['immigration enforcement (purpose-limited)', border, 2],
] as const) {
  const rules = await rulesOf(ctx);
  const { baseline, candidate } = await compare(seconds, connections, plainSearch, search(rules));
  results[`plain name SQL (baseline for ${label})`] = {
    'searches/s': Math.round(baseline.perSecond),
    'p50 ms': baseline.p50.toFixed(2),
    'p99 ms': baseline.p99.toFixed(2),
  };
  results[`search with the rules, ${label}`] = {
    'searches/s': Math.round(candidate.perSecond),
    'p50 ms': candidate.p50.toFixed(2),
    'p99 ms': candidate.p99.toFixed(2),
  };
  const ratio = baseline.perSecond / candidate.perSecond;
  ratios.push(`${label}: ${ratio.toFixed(2)}x the plain SQL's time per search (goal at most ${goal}x)`);
}
console.log(
  `\nname search at ${held} people on ${services.database.kind}, ${connections} concurrent, ${seconds} s each; ` +
    `limited purposes for immigration enforcement: ${(await rulesOf(border)).limitedPurposes.join(', ')}`,
);
console.table(results);
for (const line of ratios) console.log(line);

// People the immigration caller may not open: known to LEDS only from missing-person reports.
const borderRules = await rulesOf(border);
const candidates = (
  (await db.execute(sql`
    select p.person_id from people p
    where exists (select 1 from missing_person_reports m where m.person_id = p.person_id)
      and not exists (select 1 from arrests a where a.person_id = p.person_id)
    order by p.person_id limit 400`)) as unknown as Rows<{ person_id: string }>
).rows.map((r) => r.person_id);
const hidden: string[] = [];
for (const id of candidates) if ((await repository.personVisibility(id, borderRules))?.named === false) hidden.push(id);
if (hidden.length === 0) throw new Error('the population has no person hidden from immigration enforcement');
const unknown = hidden.map((_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const refusal = (ids: string[]) => (i: number) =>
  services.records.viewPerson(border, ids[i % ids.length] as string).then(
    () => {
      throw new Error('a hidden person was shown');
    },
    (error: { code?: string }) => {
      if (error.code !== 'RECORDS_NOT_FOUND') throw error;
    },
  );
const refused = await compare(seconds, connections, refusal(unknown), refusal(hidden));
console.log(`\nperson page refused for immigration enforcement, ${hidden.length} hidden people`);
console.table({
  'unknown id (baseline)': {
    'reads/s': Math.round(refused.baseline.perSecond),
    'p50 ms': refused.baseline.p50.toFixed(2),
    'p99 ms': refused.baseline.p99.toFixed(2),
  },
  'person hidden from the caller': {
    'reads/s': Math.round(refused.candidate.perSecond),
    'p50 ms': refused.candidate.p50.toFixed(2),
    'p99 ms': refused.candidate.p99.toFixed(2),
  },
});
console.log(
  `hidden / unknown: ${(refused.baseline.perSecond / refused.candidate.perSecond).toFixed(2)}x the time per refusal (goal at most 1.2x)`,
);
await services.close();
