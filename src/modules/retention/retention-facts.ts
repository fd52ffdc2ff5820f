import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';
import { loadRetentionRecordFacts, type RetentionRecordFacts } from '../records/index.ts';
import type { InstrumentKind, PersonFacts } from './retention.types.ts';

// Loads what the rules read for a batch of people: one query per table, whatever the batch size, so the sweep
// costs a fixed number of round trips per batch. The records' tables are read by the records module's query.

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
    grantedItems: [],
  };
}

/** Everything the rules read about these people: their records (the records module's query) and retention's own. */
export async function loadPersonFacts(db: Database, personIds: readonly string[]): Promise<PersonFacts[]> {
  if (personIds.length === 0) return [];
  const [records, own] = await Promise.all([loadRetentionRecordFacts(db, personIds), loadOwnFacts(db, personIds)]);
  return assembleFacts(records, own);
}

/** The facts of retention's own tables: disregarded convictions, instruments, reviews and applications. */
async function loadOwnFacts(db: Database, personIds: readonly string[]) {
  const ids = `{${personIds.join(',')}}`;
  const anyPerson = sql`person_id = ANY(${ids}::uuid[])`;
  const [disregarded, instruments, reviews, applications, grantedItems] = await Promise.all([
    // A conviction deleted on the Secretary of State's direction still ends its investigation (brief T22).
    queryRows<{ person_id: string; arrest_id: string; disposed_on: string }>(
      db,
      sql`SELECT person_id, arrest_id, disregarded_on::text AS disposed_on FROM conviction_disregards WHERE ${anyPerson}`,
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
    queryRows<{
      person_id: string;
      item_id: string;
      reviewed_on: string;
      outcome: 'KEEP' | 'DISPOSE';
      child_record_kept: boolean;
    }>(
      db,
      sql`SELECT person_id, item_id, reviewed_on::text, outcome,
                 (policing_purpose IS NOT NULL AND children_act_regard IS NOT NULL) AS child_record_kept
          FROM retention_reviews WHERE ${anyPerson}`,
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
    queryRows<{ person_id: string; item_id: string; decided_on: string }>(
      db,
      sql`SELECT person_id, item_id, max(decided_on)::text AS decided_on FROM deletion_application_items
          WHERE ${anyPerson} AND decision = 'GRANTED' GROUP BY person_id, item_id`,
    ),
  ]);
  return { disregarded, instruments, reviews, applications, grantedItems };
}

type Own = Awaited<ReturnType<typeof loadOwnFacts>>;
type EachRow = <T extends { person_id: string }>(rows: T[], add: (facts: PersonFacts, row: T) => void) => void;

function assembleFacts(records: RetentionRecordFacts, own: Own): PersonFacts[] {
  const byPerson = new Map<string, PersonFacts>();
  for (const p of records.people) {
    byPerson.set(p.person_id, emptyPersonFacts(p.person_id, p.owning_organisation_id, p.created_on));
  }
  const each: EachRow = (rows, add) => {
    for (const row of rows) {
      const facts = byPerson.get(row.person_id);
      if (facts) add(facts, row);
    }
  };
  addRecordFacts(each, records);
  addOwnFacts(each, own);
  return [...byPerson.values()];
}

function addRecordFacts(each: EachRow, records: RetentionRecordFacts) {
  const { births, arrests, offences, charges, disposals, images, biometrics, markers } = records;
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
}

function addOwnFacts(each: EachRow, { disregarded, instruments, reviews, applications, grantedItems }: Own) {
  each(grantedItems, (f, r) => f.grantedItems.push({ itemId: r.item_id, decidedOn: r.decided_on }));
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
  each(reviews, (f, r) =>
    f.reviews.push({
      itemId: r.item_id,
      reviewedOn: r.reviewed_on,
      outcome: r.outcome,
      childRecordKept: r.child_record_kept,
    }),
  );
  each(applications, (f, r) =>
    f.applications.push({
      arrestId: r.arrest_id,
      receivedOn: r.received_on,
      status: r.status,
      decidedOn: r.decided_on,
    }),
  );
}

/** The force that owns a retained item, whose chief officer decides on it (the person's owner for the record). */
export function owningOrganisationOf(facts: PersonFacts, itemId: string): string {
  return facts.itemOwners.get(itemId) ?? facts.owningOrganisationId;
}
