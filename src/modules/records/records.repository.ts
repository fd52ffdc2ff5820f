import { and, eq, type SQL, sql } from 'drizzle-orm';
import { assertUuid, type Database, type DatabaseHandle, queryRows } from '../../storage/database.ts';
import { nameKey } from './identifiers.ts';
import {
  sqlClassVisible,
  sqlIdentityRowVisible,
  sqlIdentitySupply,
  sqlPersonFlagsVisible,
  type VisibilityRules,
} from './identity-visibility.ts';
import { personRecordStatement } from './person-record.query.ts';
import type { PersonRecordView, PersonSummary } from './records.schemas.ts';
import { custodyImages } from './records.tables.ts';

/** A person's record as loaded, before the protected view; associates are ids until checked as people. */
export type LoadedPersonRecord = Omit<PersonRecordView, 'view' | 'associates'> & {
  associates: Omit<NonNullable<PersonRecordView['associates']>[number], 'forenames' | 'surname'>[] | null;
};

/** A person a search matched who is not shown, and why (for the audit entry only, never for the caller). */
export interface WithheldMatch {
  personId: string;
  reason: 'protected-identity' | 'intelligence' | 'purpose-limited';
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const reasonOf = (row: { protected_ok: boolean; class_ok: boolean }): WithheldMatch['reason'] =>
  !row.protected_ok ? 'protected-identity' : !row.class_ok ? 'intelligence' : 'purpose-limited';

/**
 * Reads of person records. Writes come in through record-intake.ts. Every read that names people applies the
 * record-level rules in SQL (identity-visibility.ts), so that nothing the caller may not see is matched, counted
 * or summarised.
 */
export class RecordsRepository {
  private readonly db: Database;

  constructor(private readonly database: DatabaseHandle) {
    this.db = database.db;
  }

  /** The whole record of one person in one prepared statement, or undefined. */
  async loadPersonRecord(personId: string): Promise<LoadedPersonRecord | undefined> {
    const [row] = await this.database.queryPrepared<{ record: LoadedPersonRecord }>(personRecordStatement, personId);
    return row?.record;
  }

  /**
   * The summary of each person of `supply` (a CTE of people rows with their `supplied` flag) that `where` selects,
   * from what the caller may see of them: the first name shown (primary first), the earliest known date of birth
   * shown, a PNC ID shown, and the person row's sex where it may be shown. A person with no name shown has no line.
   */
  private summaryOf(rules: VisibilityRules, where: SQL, extraColumns: SQL = sql``): SQL {
    const row = (alias: string) => sqlIdentityRowVisible(alias, 's', rules);
    return sql`
      select s.person_id as "personId", case when ${row('s')} then s.sex end as sex,
        s.protected_identity as "protectedIdentity", s.material_class as "materialClass",
        pn.forenames, pn.surname,
        (select to_char(min(b.date_of_birth), 'YYYY-MM-DD') from person_dates_of_birth b
          where b.person_id = s.person_id and not b.estimated and ${row('b')}) as "dateOfBirth",
        (select i.value from person_identifiers i where i.person_id = s.person_id and i.identifier_type = 'PNC_ID'
          and ${row('i')} order by i.value limit 1) as "pncId"
        ${extraColumns}
      from supply s
      join lateral (select n.forenames, n.surname from person_names n where n.person_id = s.person_id and ${row('n')}
        order by n.name_type <> 'PRIMARY', n.surname, n.forenames limit 1) pn on true
      where ${where}`;
  }

  /**
   * The people a match selects, in one statement: those the caller may see, summarised, and those withheld (with
   * the reason, for the audit entry). `match` is SQL over the rows of `from` (aliased `rowAlias`) that match by
   * criteria alone; `alsoVisible` is what else a matching row needs to count as seen (a date of birth the caller
   * may see), over the same row and `s.supplied`. A person is shown when a row they match by, and their person row,
   * may be shown. Each candidate's supplying records are looked up once (`supply`, materialised so that the test is
   * not repeated wherever it is used), and both halves come from the one scan, so the answer takes as long whether
   * or not someone is withheld.
   */
  private async matchPeople(
    from: SQL,
    rowAlias: string,
    match: SQL,
    rules: VisibilityRules,
    limit: number,
    options: { alias?: SQL; alsoVisible?: SQL } = {},
  ): Promise<{ people: PersonSummary[]; withheld: WithheldMatch[] }> {
    const alias = sql.raw(rowAlias);
    const supply = sqlIdentitySupply('p', rules);
    const rowVisible = sql`(${sqlIdentityRowVisible(rowAlias, 's', rules)} and ${options.alsoVisible ?? sql`true`})`;
    // Prepared once per shape: planning this statement costs more than running it.
    const rows = await this.database.queryStatement<
      PersonSummary & { visible: boolean; protected_ok: boolean; class_ok: boolean }
    >(sql`
      with supply as materialized (
        select p.person_id, p.sex, p.protected_identity, p.material_class, p.gathered_for, p.source_system,
          ${supply.columns}
        from people p ${supply.join}
        where p.person_id in (select ${alias}.person_id from ${from} where ${match})
      ),
      matched as (
        -- One supply row per person: its columns are aggregated (bool_and of one value) rather than grouped by.
        select s.person_id,
          (bool_and(${sqlPersonFlagsVisible('s', rules)}) and bool_or(${rowVisible})) as visible,
          min(case when ${rowVisible} then ${options.alias ?? sql`null::text`} end) as matched_alias,
          ${rules.protectedIdentity ? sql`true` : sql`bool_and(not s.protected_identity)`} as protected_ok,
          (bool_and(${sqlClassVisible('s', rules)}) and bool_or(${sqlClassVisible(rowAlias, rules)})) as class_ok
        from ${from}
        join supply s on s.person_id = ${alias}.person_id
        where ${match}
        group by s.person_id
      ),
      ranked as (
        select m.*, row_number() over (partition by m.visible order by m.person_id) as rank from matched m
      ),
      shown as (
        ${this.summaryOf(
          rules,
          sql`s.person_id in (select person_id from ranked where visible and rank <= ${limit})`,
          sql`, (select matched_alias from ranked r where r.person_id = s.person_id) as "matchedAlias"`,
        )}
      )
      select shown.*, true as visible, null::boolean as protected_ok, null::boolean as class_ok from shown
      union all
      select r.person_id, null, null, null, null, null, null, null, null, false, r.protected_ok, r.class_ok
      from ranked r where not r.visible and r.rank <= ${limit}`);
    const people = rows
      .filter((r) => r.visible)
      .map(({ visible: _, protected_ok: _p, class_ok: _c, ...summary }) => summary)
      // By name, then id, in code-unit order: the same on both databases whatever their collation.
      .sort(
        (a, b) => compare(a.surname, b.surname) || compare(a.forenames, b.forenames) || compare(a.personId, b.personId),
      );
    return {
      people,
      withheld: rows.filter((r) => !r.visible).map((r) => ({ personId: r.personId, reason: reasonOf(r) })),
    };
  }

  /**
   * The people an identifier names, where the identifier row and the person may be shown to the caller: usually
   * one, more where a pushed nominal shares it with a person its pusher could not see (a possible duplicate).
   */
  async findPeopleByIdentifier(identifierType: string, value: string, rules: VisibilityRules, limit: number) {
    return this.matchPeople(
      sql`person_identifiers i`,
      'i',
      sql`i.identifier_type = ${identifierType} and i.value = ${value}`,
      rules,
      limit,
    );
  }

  /**
   * People a name the caller may see matches: this surname, a forename starting so, and (when given) a date of
   * birth the caller may see.
   */
  async findPeopleByName(
    surname: string,
    forename: string | undefined,
    dateOfBirth: string | undefined,
    rules: VisibilityRules,
    limit: number,
  ) {
    const forenamePrefix = forename ? `${nameKey(forename)}%` : '%';
    const dob = (visible: boolean) =>
      sql`exists (select 1 from person_dates_of_birth b where b.person_id = n.person_id
          and b.date_of_birth = ${dateOfBirth ?? null}::date
          ${visible ? sql`and ${sqlIdentityRowVisible('b', 's', rules)}` : sql``})`;
    return this.matchPeople(
      sql`person_names n`,
      'n',
      sql`n.surname_key = ${nameKey(surname)} and n.forename_key like ${forenamePrefix} ${dateOfBirth ? sql`and ${dob(false)}` : sql``}`,
      rules,
      limit,
      {
        alias: sql`case when n.name_type <> 'PRIMARY' then n.forenames || ' ' || n.surname end`,
        alsoVisible: dateOfBirth ? dob(true) : undefined,
      },
    );
  }

  /**
   * One line for each of these people the caller may see (an associate is summarised as a search result is);
   * the others are left out.
   */
  async summarisePeople(personIds: readonly string[], rules: VisibilityRules): Promise<PersonSummary[]> {
    if (personIds.length === 0) return [];
    for (const id of personIds) assertUuid(id);
    const supply = sqlIdentitySupply('p', rules);
    return this.database.queryStatement<PersonSummary>(sql`
      with supply as materialized (
        select p.person_id, p.sex, p.protected_identity, p.material_class, p.gathered_for, p.source_system,
          ${supply.columns}
        from people p ${supply.join} where p.person_id = any(${`{${personIds.join(',')}}`}::uuid[]) and ${sqlPersonFlagsVisible('p', rules)}
      )
      ${this.summaryOf(rules, sql`true`, sql`, null::text as "matchedAlias"`)}`);
  }

  /**
   * What decides whether the caller may open a person's record, in one small statement by primary key: whether
   * LEDS holds them, their person-level flags, and whether some name of theirs may be shown (by class alone, and by
   * every rule). Run before the whole record is loaded, so that a person the caller may not see costs what an
   * unknown id costs.
   */
  async personVisibility(
    personId: string,
    rules: VisibilityRules,
    /** A transaction to run in (intake's), instead of a prepared statement on the pool. */
    within?: Database,
  ): Promise<{ protectedIdentity: boolean; intelligence: boolean; namedByClass: boolean; named: boolean } | undefined> {
    assertUuid(personId);
    const supply = sqlIdentitySupply('p', rules);
    type Visibility = { protectedIdentity: boolean; intelligence: boolean; namedByClass: boolean; named: boolean };
    const run = (query: SQL) =>
      within ? queryRows<Visibility>(within, query) : this.database.queryStatement<Visibility>(query);
    const [row] = await run(sql`
      with supply as materialized (
        select p.person_id, p.protected_identity, p.material_class, ${supply.columns}
        from people p ${supply.join} where p.person_id = ${personId}::uuid
      )
      select s.protected_identity as "protectedIdentity", s.material_class = 'INTELLIGENCE' as intelligence,
        exists (select 1 from person_names n where n.person_id = s.person_id and ${sqlClassVisible('n', rules)}) as "namedByClass",
        exists (select 1 from person_names n where n.person_id = s.person_id and ${sqlIdentityRowVisible('n', 's', rules)}) as named
      from supply s`);
    return row;
  }

  async findCustodyImage(personId: string, imageId: string) {
    const rows = await this.db
      .select()
      .from(custodyImages)
      .where(and(eq(custodyImages.personId, personId), eq(custodyImages.id, imageId)))
      .limit(1);
    return rows[0];
  }
}
