// What the retention rules read of the records a batch of people has: one query per table, whatever the batch
// size, so the sweep costs a fixed number of round trips per batch. The records module owns these tables, so it
// owns the query; retention (src/modules/retention/retention-facts.ts) adds its own tables' facts and calls this.
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';

const day = (column: string) => sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`);

/** The rows of the records tables the retention rules read, each naming its person (dates are YYYY-MM-DD). */
export interface RetentionRecordFacts {
  people: { person_id: string; owning_organisation_id: string; created_on: string }[];
  births: { person_id: string; dob: string }[];
  arrests: { person_id: string; id: string; occurred_on: string; arising: string | null; org: string }[];
  offences: {
    person_id: string;
    arrest_id: string;
    qualifying: boolean;
    recordable: boolean;
    committed_on: string | null;
  }[];
  charges: { person_id: string; arrest_id: string; charged_on: string }[];
  disposals: {
    person_id: string;
    arrest_id: string;
    outcome: string;
    disposed_on: string;
    recordable: boolean;
    custodial_months: number | null;
    jurisdiction: string;
  }[];
  images: { person_id: string; id: string; arrest_id: string; taken_on: string; age: number | null; org: string }[];
  biometrics: {
    person_id: string;
    id: string;
    arrest_id: string | null;
    biometric_type: string;
    taken_on: string;
    taken_under: string;
    purpose_fulfilled_on: string | null;
    derived_on: string | null;
    org: string;
  }[];
  markers: { person_id: string; id: string; code: string; review_due: string; org: string }[];
}

/** The records of these people that the retention rules read, one query per table, run at once. */
export async function loadRetentionRecordFacts(
  db: Database,
  personIds: readonly string[],
): Promise<RetentionRecordFacts> {
  const ids = `{${personIds.join(',')}}`;
  const anyPerson = sql`person_id = ANY(${ids}::uuid[])`;
  const [people, births, arrests, offences, charges, disposals, images, biometrics, markers] = await Promise.all([
    queryRows<RetentionRecordFacts['people'][number]>(
      db,
      sql`SELECT person_id, owning_organisation_id, ${day('created_at')} AS created_on FROM people WHERE ${anyPerson}`,
    ),
    queryRows<RetentionRecordFacts['births'][number]>(
      db,
      sql`SELECT person_id, min(date_of_birth)::text AS dob FROM person_dates_of_birth WHERE ${anyPerson} GROUP BY person_id`,
    ),
    queryRows<RetentionRecordFacts['arrests'][number]>(
      db,
      sql`SELECT person_id, id, ${day('occurred_at')} AS occurred_on, arising_from_arrest_id AS arising, owning_organisation_id AS org FROM arrests WHERE ${anyPerson}`,
    ),
    queryRows<RetentionRecordFacts['offences'][number]>(
      db,
      sql`SELECT person_id, arrest_id, qualifying, recordable, committed_on::text FROM offences WHERE ${anyPerson}`,
    ),
    queryRows<RetentionRecordFacts['charges'][number]>(
      db,
      sql`SELECT person_id, arrest_id, charged_on::text FROM charges WHERE ${anyPerson}`,
    ),
    queryRows<RetentionRecordFacts['disposals'][number]>(
      db,
      sql`SELECT person_id, arrest_id, outcome, disposed_on::text, recordable, custodial_months, jurisdiction FROM disposals WHERE ${anyPerson}`,
    ),
    queryRows<RetentionRecordFacts['images'][number]>(
      db,
      sql`SELECT person_id, id, arrest_id, ${day('taken_at')} AS taken_on, subject_age_at_capture AS age, owning_organisation_id AS org FROM custody_images WHERE ${anyPerson}`,
    ),
    queryRows<RetentionRecordFacts['biometrics'][number]>(
      db,
      sql`SELECT person_id, id, arrest_id, biometric_type, ${day('taken_at')} AS taken_on, taken_under, purpose_fulfilled_on::text, ${day('profile_derived_at')} AS derived_on, owning_organisation_id AS org
            FROM biometric_references WHERE ${anyPerson} AND status <> 'DESTROYED'`,
    ),
    queryRows<RetentionRecordFacts['markers'][number]>(
      db,
      sql`SELECT person_id, id, code, review_due::text, owning_organisation_id AS org FROM markers WHERE ${anyPerson}`,
    ),
  ]);
  return { people, births, arrests, offences, charges, disposals, images, biometrics, markers };
}
