// The record-level rules that decide which people, and which rows of a person, a caller may see (docs/access.md,
// "Record-level rules"). They are stated once here, twice over: as functions over a loaded record (the record
// view) and as SQL over the tables (search, result summaries, associates), so that a person and a name are shown
// by the same rules wherever they appear. test/access.test.ts checks that the two agree on generated people.
import { type SQL, sql } from 'drizzle-orm';

/** What a caller may see, decided by the access module for the caller, their roles and their declared purpose. */
export interface VisibilityRules {
  /** Intelligence-class material may be shown (police users with a need to know, under an agreement). */
  intelligence: boolean;
  /** A person flagged as a protected identity may be shown. */
  protectedIdentity: boolean;
  /** Purposes whose material the declared purpose may never use (purpose limitation, brief 3.3). */
  limitedPurposes: readonly string[];
  /** The purposes each dataset was gathered for (config/datasets.json), the default of a row that declares none. */
  datasetPurposes: Readonly<Record<string, readonly string[]>>;
}

/** Where a row came from, as the record view carries it. */
export interface RowProvenance {
  materialClass: string;
  gatheredFor: readonly string[] | null;
  sourceSystem: string;
}

/**
 * The records that can supply a person's identity, by the dataset each belongs to. A person record that does not
 * say what it was gathered for takes its purposes from these, source by source: the names a missing-person system
 * sent are identity gathered to find the missing, not to enforce immigration law, even when a custody system sent
 * other names of the same person with an arrest.
 */
export const identitySuppliers = [
  { table: 'arrests', dataset: 'ARRESTS_CUSTODY' },
  { table: 'custody_images', dataset: 'CUSTODY_IMAGES' },
  { table: 'biometric_references', dataset: 'BIOMETRIC_REFERENCES' },
  { table: 'markers', dataset: 'MARKERS' },
  { table: 'missing_person_reports', dataset: 'MISSING_PERSONS' },
  { table: 'person_associations', dataset: 'ASSOCIATES' },
] as const;

/** The dataset of identity rows (names, dates of birth, addresses, identifiers, the person row itself). */
export const identityDataset = 'NOMINAL_IDENTITY';

const usableFor = (purposes: readonly string[], rules: VisibilityRules) =>
  !purposes.some((p) => rules.limitedPurposes.includes(p));

/** Whether a dataset, as gathered, may be used for the caller's purpose (a row that declares no purposes). */
export function datasetUsable(dataset: string, rules: VisibilityRules): boolean {
  const purposes = rules.datasetPurposes[dataset];
  return purposes !== undefined && usableFor(purposes, rules);
}

/** The material class of a row allows the caller to see it. */
export const classVisible = (row: RowProvenance, rules: VisibilityRules) =>
  rules.intelligence || row.materialClass !== 'INTELLIGENCE';

/** A row of one of a person's datasets (an event, a marker, an image…) may be shown to the caller. */
export function rowVisible(row: RowProvenance, dataset: string, rules: VisibilityRules): boolean {
  if (!classVisible(row, rules)) return false;
  return row.gatheredFor ? usableFor(row.gatheredFor, rules) : datasetUsable(dataset, rules);
}

/**
 * What the records naming a person say about the purposes their identity may be used for. An identity row that
 * declares no purposes takes those of the records its own source system sent about the person; an identity row
 * whose system sent nothing else takes those of every record naming the person, of whatever class (a class hidden
 * from the caller still says what the identity was gathered for); and a person no record names takes nominal
 * identity's own.
 */
export interface IdentitySupply {
  /** Source systems that sent a record naming the person. */
  suppliers: ReadonlySet<string>;
  /** Those of them that sent one the caller's purpose may use. */
  usable: ReadonlySet<string>;
  /** For identity from a system that sent nothing else about the person. */
  otherwise: boolean;
}

export function identitySupply(
  suppliers: readonly { dataset: string; rows: readonly RowProvenance[] }[],
  rules: VisibilityRules,
): IdentitySupply {
  const all = new Set<string>();
  const usable = new Set<string>();
  for (const { dataset, rows } of suppliers)
    for (const row of rows) {
      all.add(row.sourceSystem);
      if (row.gatheredFor ? usableFor(row.gatheredFor, rules) : datasetUsable(dataset, rules))
        usable.add(row.sourceSystem);
    }
  return {
    suppliers: all,
    usable,
    otherwise: all.size === 0 ? datasetUsable(identityDataset, rules) : usable.size > 0,
  };
}

/** An identity row (a name, a date of birth, an address, an identifier, the person row) may be shown. */
export function identityRowVisible(row: RowProvenance, supply: IdentitySupply, rules: VisibilityRules): boolean {
  if (!classVisible(row, rules)) return false;
  if (row.gatheredFor) return usableFor(row.gatheredFor, rules);
  if (rules.limitedPurposes.length === 0) return true;
  return supply.suppliers.has(row.sourceSystem) ? supply.usable.has(row.sourceSystem) : supply.otherwise;
}

// ---- The same rules in SQL. Built from the caller's rules only (purpose codes, checked to be A-Z and _), never
// from anything a caller typed, so they are safe to inline.

const purposeCode = /^[A-Z][A-Z_]*$/;

function limitedArray(rules: VisibilityRules): SQL {
  for (const p of rules.limitedPurposes) if (!purposeCode.test(p)) throw new TypeError(`bad purpose code ${p}`);
  return sql.raw(`'{${rules.limitedPurposes.join(',')}}'::text[]`);
}

export function sqlClassVisible(alias: string, rules: VisibilityRules): SQL {
  return rules.intelligence ? sql.raw('true') : sql.raw(`${alias}.material_class <> 'INTELLIGENCE'`);
}

function sqlPurposesUsable(alias: string, whenUndeclared: SQL, rules: VisibilityRules): SQL {
  if (rules.limitedPurposes.length === 0) return sql.raw('true');
  return sql`(case when ${sql.raw(alias)}.gathered_for is null then ${whenUndeclared} else not (${sql.raw(alias)}.gathered_for && ${limitedArray(rules)}) end)`;
}

export function sqlRowVisible(alias: string, dataset: string, rules: VisibilityRules): SQL {
  return sql`(${sqlClassVisible(alias, rules)} and ${sqlPurposesUsable(alias, sql.raw(String(datasetUsable(dataset, rules))), rules)})`;
}

/**
 * The identity supply of each row of `people` aliased `person`, as the columns `supplier_sources`,
 * `usable_sources` and `supplied` (the rule for identity from a system that sent nothing else): `join` goes in
 * the FROM clause after that row, `columns` in its select list. One look-up by the `person_id` index of each
 * dataset's table, aggregated once.
 */
export function sqlIdentitySupply(person: string, rules: VisibilityRules): { join: SQL; columns: SQL } {
  if (rules.limitedPurposes.length === 0)
    return {
      join: sql``,
      columns: sql.raw(`'{}'::text[] as supplier_sources, '{}'::text[] as usable_sources, true as supplied`),
    };
  const rows = identitySuppliers.map(
    ({ table, dataset }) =>
      sql`select x.source_system, ${sqlPurposesUsable('x', sql.raw(String(datasetUsable(dataset, rules))), rules)} as usable from ${sql.raw(table)} x where x.person_id = ${sql.raw(person)}.person_id`,
  );
  return {
    join: sql`left join lateral (
      select array_agg(y.source_system) as supplier_sources,
        array_agg(y.source_system) filter (where y.usable) as usable_sources, bool_or(y.usable) as any_usable
      from (${sql.join(rows, sql` union all `)}) y) supply_of on true`,
    columns: sql`coalesce(supply_of.supplier_sources, '{}') as supplier_sources,
      coalesce(supply_of.usable_sources, '{}') as usable_sources,
      coalesce(supply_of.any_usable, ${sql.raw(String(datasetUsable(identityDataset, rules)))}) as supplied`,
  };
}

/** An identity row may be shown; `supply` aliases a row carrying the columns of sqlIdentitySupply. */
export function sqlIdentityRowVisible(alias: string, supply: string, rules: VisibilityRules): SQL {
  const s = sql.raw(supply);
  const row = sql.raw(alias);
  const undeclared = sql`(case when ${row}.source_system = any(${s}.supplier_sources) then ${row}.source_system = any(${s}.usable_sources) else ${s}.supplied end)`;
  return sql`(${sqlClassVisible(alias, rules)} and ${sqlPurposesUsable(alias, undeclared, rules)})`;
}

/** The person-level flags of the `people` row: an intelligence-only nominal, a protected identity. */
export function sqlPersonFlagsVisible(alias: string, rules: VisibilityRules): SQL {
  return sql`(${sqlClassVisible(alias, rules)} and ${rules.protectedIdentity ? sql.raw('true') : sql.raw(`not ${alias}.protected_identity`)})`;
}
