import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from '../../storage/database.ts';
import { nameKey } from './identifiers.ts';
import {
  sqlClassVisible,
  sqlIdentityRowVisible,
  sqlIdentitySupplied,
  sqlPersonFlagsVisible,
  type VisibilityRules,
} from './identity-visibility.ts';
import { personRecordStatement } from './person-record.query.ts';
import type { PersonRecordView, PersonSummary } from './records.schemas.ts';
import { custodyImages } from './records.tables.ts';

type Rows<T> = { rows: T[] };

/** A person's record as loaded, before the protected view; associates are ids until checked as people. */
export type LoadedPersonRecord = Omit<PersonRecordView, 'view' | 'associates'> & {
  associates: Omit<NonNullable<PersonRecordView['associates']>[number], 'forenames' | 'surname'>[] | null;
};

/** A person a search matched who is not shown, and why (for the audit entry only, never for the caller). */
export interface WithheldMatch {
  personId: string;
  reason: 'protected-identity' | 'intelligence' | 'purpose-limited';
}

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
   * The people a match selects, split into those the caller may see and those withheld (with the reason, for
   * the audit entry). `match` is SQL over `n` (a person_names row) and `p` (its people row) naming the rows that
   * match; a person is shown when a row they match by, and the person row, may be shown to the caller.
   * Both halves are always asked, so the answer takes as long whether or not someone is withheld.
   */
  private async matchPeople(
    from: SQL,
    rowAlias: string,
    match: SQL,
    rules: VisibilityRules,
    limit: number,
    aliasExpression: SQL = sql`null::text`,
  ): Promise<{ visible: { personId: string; matchedAlias: string | null }[]; withheld: WithheldMatch[] }> {
    const rowVisible = sqlIdentityRowVisible(rowAlias, sql`s.supplied`, rules);
    const query = (wantVisible: boolean, rowLimit: number) => sql`
      select p.person_id as "personId",
        min(case when ${rowVisible} then ${aliasExpression} end) as "matchedAlias",
        ${sqlPersonFlagsVisible('p', rules)} as flags_ok,
        ${rules.protectedIdentity ? sql`true` : sql`not p.protected_identity`} as protected_ok,
        (${sqlClassVisible('p', rules)} and bool_or(${sqlClassVisible(rowAlias, rules)})) as class_ok
      from ${from}
      join people p on p.person_id = ${sql.raw(rowAlias)}.person_id
      cross join lateral (select ${sqlIdentitySupplied('p.person_id', rules)} as supplied) s
      where ${match}
      group by p.person_id, s.supplied
      having (${sqlPersonFlagsVisible('p', rules)} and bool_or(${rowVisible})) = ${wantVisible}
      order by p.person_id
      limit ${rowLimit}`;
    const [visible, withheld] = await Promise.all([
      this.db.execute(query(true, limit)) as unknown as Promise<
        Rows<{ personId: string; matchedAlias: string | null }>
      >,
      this.db.execute(query(false, limit)) as unknown as Promise<
        Rows<{ personId: string; protected_ok: boolean; class_ok: boolean }>
      >,
    ]);
    return {
      visible: visible.rows.map((r) => ({ personId: r.personId, matchedAlias: r.matchedAlias })),
      withheld: withheld.rows.map((r) => ({ personId: r.personId, reason: reasonOf(r) })),
    };
  }

  /** The person an identifier names, when the identifier row and the person may be shown to the caller. */
  async findPeopleByIdentifier(identifierType: string, value: string, rules: VisibilityRules) {
    return this.matchPeople(
      sql`person_identifiers i`,
      'i',
      sql`i.identifier_type = ${identifierType} and i.value = ${value}`,
      rules,
      1,
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
    const dob = dateOfBirth
      ? sql`and exists (select 1 from person_dates_of_birth b where b.person_id = n.person_id
          and b.date_of_birth = ${dateOfBirth}::date and ${sqlIdentityRowVisible('b', sql`s.supplied`, rules)})`
      : sql``;
    return this.matchPeople(
      sql`person_names n`,
      'n',
      sql`n.surname_key = ${nameKey(surname)} and n.forename_key like ${forenamePrefix} ${dob}`,
      rules,
      limit,
      sql`case when n.name_type <> 'PRIMARY' then n.forenames || ' ' || n.surname end`,
    );
  }

  /**
   * One line for each person the caller may see, from what the caller may see of them: the first name shown
   * (primary first), the earliest known date of birth, a PNC ID. People the caller may not see are left out.
   */
  async summarisePeople(
    matches: { personId: string; matchedAlias: string | null }[],
    rules: VisibilityRules,
  ): Promise<PersonSummary[]> {
    if (matches.length === 0) return [];
    const ids = matches.map((m) => m.personId);
    const row = (alias: string) => sqlIdentityRowVisible(alias, sql`s.supplied`, rules);
    const result = (await this.db.execute(sql`
      select p.person_id as "personId", case when ${row('p')} then p.sex end as sex,
        p.protected_identity as "protectedIdentity", p.material_class as "materialClass",
        pn.forenames, pn.surname,
        (select to_char(min(b.date_of_birth), 'YYYY-MM-DD') from person_dates_of_birth b
          where b.person_id = p.person_id and not b.estimated and ${row('b')}) as "dateOfBirth",
        (select i.value from person_identifiers i where i.person_id = p.person_id and i.identifier_type = 'PNC_ID'
          and ${row('i')} order by i.value limit 1) as "pncId"
      from people p
      cross join lateral (select ${sqlIdentitySupplied('p.person_id', rules)} as supplied) s
      join lateral (select n.forenames, n.surname from person_names n where n.person_id = p.person_id and ${row('n')}
        order by n.name_type <> 'PRIMARY', n.surname, n.forenames limit 1) pn on true
      where p.person_id in ${ids} and ${sqlPersonFlagsVisible('p', rules)}
      order by pn.surname, pn.forenames, p.person_id`)) as unknown as Rows<Omit<PersonSummary, 'matchedAlias'>>;
    const alias = new Map(matches.map((m) => [m.personId, m.matchedAlias]));
    return result.rows.map((r) => ({ ...r, matchedAlias: alias.get(r.personId) ?? null }));
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
