import { and, eq, sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from '../../storage/database.ts';
import { nameKey } from './identifiers.ts';
import { personRecordStatement } from './person-record.query.ts';
import type { PersonRecordView, PersonSummary } from './records.schemas.ts';
import { custodyImages, personIdentifiers } from './records.tables.ts';

type Rows<T> = { rows: T[] };

/** Reads of person records. Writes come in through record-intake.ts. */
export class RecordsRepository {
  private readonly db: Database;

  constructor(private readonly database: DatabaseHandle) {
    this.db = database.db;
  }

  /** The whole record of one person in one prepared statement, or undefined. */
  async loadPersonRecord(personId: string): Promise<Omit<PersonRecordView, 'view'> | undefined> {
    const [row] = await this.database.queryPrepared<{ record: Omit<PersonRecordView, 'view'> }>(
      personRecordStatement,
      personId,
    );
    return row?.record;
  }

  async findPersonIdByIdentifier(identifierType: string, value: string): Promise<string | undefined> {
    const rows = await this.db
      .select({ personId: personIdentifiers.personId })
      .from(personIdentifiers)
      .where(and(eq(personIdentifiers.identifierType, identifierType), eq(personIdentifiers.value, value)))
      .limit(1);
    return rows[0]?.personId;
  }

  /** People whose name (primary or alias) has this surname, a forename starting so, and this date of birth. */
  async findPeopleByName(
    surname: string,
    forename: string | undefined,
    dateOfBirth: string | undefined,
    limit: number,
  ) {
    const forenamePrefix = forename ? `${nameKey(forename)}%` : '%';
    const result = (await this.db.execute(sql`
      select n.person_id as "personId", min(case when n.name_type <> 'PRIMARY' then n.forenames || ' ' || n.surname end) as "matchedAlias"
      from person_names n
      where n.surname_key = ${nameKey(surname)} and n.forename_key like ${forenamePrefix}
        and (${dateOfBirth ?? null}::date is null or exists (
          select 1 from person_dates_of_birth b where b.person_id = n.person_id and b.date_of_birth = ${dateOfBirth ?? null}::date))
      group by n.person_id
      order by n.person_id
      limit ${limit}`)) as unknown as Rows<{ personId: string; matchedAlias: string | null }>;
    return result.rows;
  }

  async summarisePeople(matches: { personId: string; matchedAlias: string | null }[]): Promise<PersonSummary[]> {
    if (matches.length === 0) return [];
    const ids = matches.map((m) => m.personId);
    const result = (await this.db.execute(sql`
      select p.person_id as "personId", p.sex, p.protected_identity as "protectedIdentity", p.material_class as "materialClass",
        coalesce(pn.forenames, '') as forenames, coalesce(pn.surname, '') as surname,
        (select to_char(min(b.date_of_birth), 'YYYY-MM-DD') from person_dates_of_birth b where b.person_id = p.person_id and not b.estimated) as "dateOfBirth",
        (select i.value from person_identifiers i where i.person_id = p.person_id and i.identifier_type = 'PNC_ID' limit 1) as "pncId"
      from people p
      left join lateral (select forenames, surname from person_names n where n.person_id = p.person_id
        order by n.name_type <> 'PRIMARY', n.surname limit 1) pn on true
      where p.person_id in ${ids}
      order by pn.surname, pn.forenames`)) as unknown as Rows<Omit<PersonSummary, 'matchedAlias'>>;
    const alias = new Map(matches.map((m) => [m.personId, m.matchedAlias]));
    return result.rows.map((row) => ({ ...row, matchedAlias: alias.get(row.personId) ?? null }));
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
