import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';
import type { InstrumentKind, PersonFacts } from './retention.types.ts';

// Loads what the rules read for a batch of people: one query per table, whatever the batch size, so the sweep
// costs a fixed number of round trips per batch.

const day = (column: string) => sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`);

/** A person with no facts yet: what the loader fills in, and what tests build scenarios on. */
export function emptyPersonFacts(personId: string, owningOrganisationId: string, createdOn: string): PersonFacts {
  return {
    personId,
    owningOrganisationId,
    itemOwners: new Map(),
    dateOfBirth: null,
    createdOn,
    arrests: [],
    offences: [],
    charges: [],
    disposals: [],
    custodyImages: [],
    biometrics: [],
    markers: [],
    instruments: [],
    reviews: [],
    applications: [],
  };
}

export async function loadPersonFacts(db: Database, personIds: readonly string[]): Promise<PersonFacts[]> {
  if (personIds.length === 0) return [];
  const ids = `{${personIds.join(',')}}`;
  const anyPerson = sql`person_id = ANY(${ids}::uuid[])`;
  const [
    people,
    births,
    arrests,
    offences,
    charges,
    disposals,
    disregarded,
    images,
    biometrics,
    markers,
    instruments,
    reviews,
    applications,
  ] = await Promise.all([
    queryRows<{ person_id: string; owning_organisation_id: string; created_on: string }>(
      db,
      sql`SELECT person_id, owning_organisation_id, ${day('created_at')} AS created_on FROM people WHERE ${anyPerson}`,
    ),
    queryRows<{ person_id: string; dob: string }>(
      db,
      sql`SELECT person_id, min(date_of_birth)::text AS dob FROM person_dates_of_birth WHERE ${anyPerson} GROUP BY person_id`,
    ),
    queryRows<{ person_id: string; id: string; occurred_on: string; arising: string | null; org: string }>(
      db,
      sql`SELECT person_id, id, ${day('occurred_at')} AS occurred_on, arising_from_arrest_id AS arising, owning_organisation_id AS org FROM arrests WHERE ${anyPerson}`,
    ),
    queryRows<{
      person_id: string;
      arrest_id: string;
      qualifying: boolean;
      recordable: boolean;
      committed_on: string | null;
    }>(
      db,
      sql`SELECT person_id, arrest_id, qualifying, recordable, committed_on::text FROM offences WHERE ${anyPerson}`,
    ),
    queryRows<{ person_id: string; arrest_id: string; charged_on: string }>(
      db,
      sql`SELECT person_id, arrest_id, charged_on::text FROM charges WHERE ${anyPerson}`,
    ),
    queryRows<{
      person_id: string;
      arrest_id: string;
      outcome: string;
      disposed_on: string;
      recordable: boolean;
      custodial_months: number | null;
      jurisdiction: string;
    }>(
      db,
      sql`SELECT person_id, arrest_id, outcome, disposed_on::text, recordable, custodial_months, jurisdiction FROM disposals WHERE ${anyPerson}`,
    ),
    // A conviction deleted on the Secretary of State's direction still ends its investigation (brief T22).
    queryRows<{ person_id: string; arrest_id: string; disposed_on: string }>(
      db,
      sql`SELECT person_id, arrest_id, disregarded_on::text AS disposed_on FROM conviction_disregards WHERE ${anyPerson}`,
    ),
    queryRows<{ person_id: string; id: string; arrest_id: string; taken_on: string; age: number | null; org: string }>(
      db,
      sql`SELECT person_id, id, arrest_id, ${day('taken_at')} AS taken_on, subject_age_at_capture AS age, owning_organisation_id AS org FROM custody_images WHERE ${anyPerson}`,
    ),
    queryRows<{
      person_id: string;
      id: string;
      arrest_id: string | null;
      biometric_type: string;
      taken_on: string;
      taken_under: string;
      purpose_fulfilled_on: string | null;
      derived_on: string | null;
      org: string;
    }>(
      db,
      sql`SELECT person_id, id, arrest_id, biometric_type, ${day('taken_at')} AS taken_on, taken_under, purpose_fulfilled_on::text, ${day('profile_derived_at')} AS derived_on, owning_organisation_id AS org
            FROM biometric_references WHERE ${anyPerson} AND status <> 'DESTROYED'`,
    ),
    queryRows<{ person_id: string; id: string; code: string; review_due: string; org: string }>(
      db,
      sql`SELECT person_id, id, code, review_due::text, owning_organisation_id AS org FROM markers WHERE ${anyPerson}`,
    ),
    queryRows<{
      person_id: string;
      id: string;
      item_id: string | null;
      kind: InstrumentKind;
      applied_on: string | null;
      made_on: string;
      until: string | null;
      ended_on: string | null;
    }>(
      db,
      sql`SELECT person_id, id, item_id, kind, applied_on::text, made_on::text, until::text, ended_on::text FROM retention_instruments WHERE ${anyPerson}`,
    ),
    queryRows<{ person_id: string; item_id: string; reviewed_on: string; outcome: 'KEEP' | 'DISPOSE' }>(
      db,
      sql`SELECT person_id, item_id, reviewed_on::text, outcome FROM retention_reviews WHERE ${anyPerson}`,
    ),
    queryRows<{
      person_id: string;
      arrest_id: string | null;
      received_on: string;
      status: string;
      decided_on: string | null;
    }>(
      db,
      sql`SELECT person_id, arrest_id, received_on::text, status, decided_on::text FROM deletion_applications WHERE ${anyPerson}`,
    ),
  ]);
  const byPerson = new Map<string, PersonFacts>();
  for (const p of people) {
    byPerson.set(p.person_id, emptyPersonFacts(p.person_id, p.owning_organisation_id, p.created_on));
  }
  const each = <T extends { person_id: string }>(rows: T[], add: (facts: PersonFacts, row: T) => void) => {
    for (const row of rows) {
      const facts = byPerson.get(row.person_id);
      if (facts) add(facts, row);
    }
  };
  each(births, (f, r) => {
    f.dateOfBirth = r.dob;
  });
  for (const rows of [arrests, images, biometrics, markers] as { person_id: string; id: string; org: string }[][]) {
    each(rows, (f, r) => f.itemOwners.set(r.id, r.org));
  }
  each(arrests, (f, r) =>
    f.arrests.push({
      id: r.id,
      occurredOn: r.occurred_on,
      arisingFromArrestId: r.arising,
    }),
  );
  each(offences, (f, r) =>
    f.offences.push({
      arrestId: r.arrest_id,
      qualifying: r.qualifying,
      recordable: r.recordable,
      committedOn: r.committed_on,
    }),
  );
  each(charges, (f, r) => f.charges.push({ arrestId: r.arrest_id, chargedOn: r.charged_on }));
  each(disposals, (f, r) =>
    f.disposals.push({
      arrestId: r.arrest_id,
      outcome: r.outcome,
      disposedOn: r.disposed_on,
      recordable: r.recordable,
      custodialMonths: r.custodial_months,
      jurisdiction: r.jurisdiction,
    }),
  );
  each(disregarded, (f, r) => {
    f.disposals.push({
      arrestId: r.arrest_id,
      outcome: 'DISREGARDED',
      disposedOn: r.disposed_on,
      recordable: true,
      custodialMonths: null,
      jurisdiction: 'ENGLAND_AND_WALES',
    });
  });
  each(images, (f, r) =>
    f.custodyImages.push({ id: r.id, arrestId: r.arrest_id, takenOn: r.taken_on, subjectAgeAtCapture: r.age }),
  );
  each(biometrics, (f, r) =>
    f.biometrics.push({
      id: r.id,
      arrestId: r.arrest_id,
      biometricType: r.biometric_type,
      takenOn: r.taken_on,
      takenUnder: r.taken_under,
      purposeFulfilledOn: r.purpose_fulfilled_on,
      profileDerivedOn: r.derived_on,
    }),
  );
  each(markers, (f, r) => f.markers.push({ id: r.id, code: r.code, reviewDue: r.review_due }));
  each(instruments, (f, r) =>
    f.instruments.push({
      id: r.id,
      itemId: r.item_id,
      kind: r.kind,
      appliedOn: r.applied_on,
      madeOn: r.made_on,
      until: r.until,
      endedOn: r.ended_on,
    }),
  );
  each(reviews, (f, r) => f.reviews.push({ itemId: r.item_id, reviewedOn: r.reviewed_on, outcome: r.outcome }));
  each(applications, (f, r) =>
    f.applications.push({
      arrestId: r.arrest_id,
      receivedOn: r.received_on,
      status: r.status,
      decidedOn: r.decided_on,
    }),
  );
  return [...byPerson.values()];
}

/** The force that owns a retained item, whose chief officer decides on it (the person's owner for the record). */
export function owningOrganisationOf(facts: PersonFacts, itemId: string): string {
  return facts.itemOwners.get(itemId) ?? facts.owningOrganisationId;
}
