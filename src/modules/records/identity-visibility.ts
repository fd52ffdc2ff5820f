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
}

/**
 * The records that can supply a person's identity, by the dataset each belongs to. A person record that does not
 * say what it was gathered for takes its purposes from these: a person known only from a missing-person report
 * is identity gathered to find the missing, not to enforce immigration law.
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

/** Whether the records that name a person supply an identity the caller's purpose may use. */
export function identitySupplied(
  suppliers: readonly { dataset: string; rows: readonly RowProvenance[] }[],
  rules: VisibilityRules,
): boolean {
  if (rules.limitedPurposes.length === 0) return true;
  const seen = suppliers.flatMap((s) => s.rows.filter((r) => classVisible(r, rules)).map((r) => ({ ...s, r })));
  if (seen.length === 0) return datasetUsable(identityDataset, rules);
  return seen.some(({ dataset, r }) => rowVisible(r, dataset, rules));
}

/** An identity row (a name, a date of birth, an address, an identifier, the person row) may be shown. */
export function identityRowVisible(row: RowProvenance, supplied: boolean, rules: VisibilityRules): boolean {
  if (!classVisible(row, rules)) return false;
  return row.gatheredFor ? usableFor(row.gatheredFor, rules) : supplied;
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
 * Whether the records that name the person `personId` (an SQL expression) supply an identity the caller may use:
 * some record the caller may see and use, or, when no record the caller may see names them, nominal identity's own
 * purposes. One look-up by the `person_id` index of each dataset's table.
 */
export function sqlIdentitySupplied(personId: string, rules: VisibilityRules): SQL {
  if (rules.limitedPurposes.length === 0) return sql.raw('true');
  // Per dataset: null when no row the caller may see names the person, else whether one may be used.
  const perDataset = identitySuppliers.map(
    ({ table, dataset }) =>
      sql`(select bool_or(${sqlPurposesUsable('x', sql.raw(String(datasetUsable(dataset, rules))), rules)}) from ${sql.raw(table)} x where x.person_id = ${sql.raw(personId)} and ${sqlClassVisible('x', rules)})`,
  );
  return sql`coalesce(greatest(${sql.join(perDataset, sql`, `)}), ${sql.raw(String(datasetUsable(identityDataset, rules)))})`;
}

/** An identity row may be shown; `supplied` is the SQL of sqlIdentitySupplied (or a column holding it). */
export function sqlIdentityRowVisible(alias: string, supplied: SQL, rules: VisibilityRules): SQL {
  return sql`(${sqlClassVisible(alias, rules)} and ${sqlPurposesUsable(alias, supplied, rules)})`;
}

/** The person-level flags of the `people` row: an intelligence-only nominal, a protected identity. */
export function sqlPersonFlagsVisible(alias: string, rules: VisibilityRules): SQL {
  return sql`(${sqlClassVisible(alias, rules)} and ${rules.protectedIdentity ? sql.raw('true') : sql.raw(`not ${alias}.protected_identity`)})`;
}
