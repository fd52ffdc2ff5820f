// The records retention decides about, read for it: who owns a person, the people a sweep walks, the arrests an
// arrest/summons number names, a disposal, an arrest's custody images and the tombstones deletion left. The
// records module owns these tables, so it owns these queries; retention calls them (through index.ts).
import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import { isUuid } from '../../platform/ids.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import { arrests, disposals, recordTombstones } from './records.tables.ts';

/** The force that owns a person record, or undefined when LEDS holds no such person. */
export async function personOwnerOf(db: Database, personId: string): Promise<string | undefined> {
  const [person] = isUuid(personId)
    ? await queryRows<{ owner: string }>(
        db,
        sql`SELECT owning_organisation_id AS owner FROM people WHERE person_id = ${personId}::uuid`,
      )
    : [];
  return person?.owner;
}

/** The next `size` person ids after `after`, in id order: the people a sweep walks, batch by batch. */
export async function personIdsAfter(db: Database, after: string, size: number): Promise<string[]> {
  const ids = await queryRows<{ person_id: string }>(
    db,
    sql`SELECT person_id FROM people WHERE person_id > ${after}::uuid ORDER BY person_id LIMIT ${size}`,
  );
  return ids.map((r) => r.person_id);
}

/**
 * SQL that is true when the person in `personIdColumn` is not a protected identity (or `true` when `hide` is
 * false): a condition for another module's query over its own rows that name people.
 */
export function notProtectedIdentity(personIdColumn: string, hide: boolean) {
  return hide
    ? sql.raw(
        `NOT EXISTS (SELECT 1 FROM people p WHERE p.person_id = ${personIdColumn} AND p.protected_identity)
         AND NOT EXISTS (SELECT 1 FROM record_tombstones t WHERE t.person_id = ${personIdColumn} AND t.protected_identity)`,
      )
    : sql.raw('true');
}

/** Arrests with this arrest/summons number, earliest first (at most 10); with an owner, only that force's. */
export function arrestsWithAsn(db: Database, asn: string, owningOrganisationId?: string) {
  return db
    .select({ id: arrests.id, personId: arrests.personId, org: arrests.owningOrganisationId })
    .from(arrests)
    .where(
      and(
        eq(arrests.asn, asn),
        owningOrganisationId ? eq(arrests.owningOrganisationId, owningOrganisationId) : undefined,
      ),
    )
    .orderBy(asc(arrests.occurredAt))
    .limit(10);
}

/** A disposal by its id, or undefined. */
export async function disposalById(db: Database, disposalId: string) {
  const [disposal] = isUuid(disposalId) ? await db.select().from(disposals).where(eq(disposals.id, disposalId)) : [];
  return disposal;
}

/**
 * What an application naming this arrest covers besides the event itself: its custody images and its fingerprints
 * and DNA (brief 5.4 P5: PNC, IDENT1 and NDNAD entries).
 */
export function itemsTakenOnArrest(db: Database, arrestId: string) {
  return queryRows<{ kind: 'CUSTODY_IMAGE' | 'BIOMETRIC_REFERENCE'; id: string; what: string }>(
    db,
    sql`SELECT 'CUSTODY_IMAGE' AS kind, id, 'custody image taken ' || to_char(taken_at, 'YYYY-MM-DD') AS what
          FROM custody_images WHERE arrest_id = ${arrestId}::uuid
        UNION ALL
        SELECT 'BIOMETRIC_REFERENCE', id, lower(replace(biometric_type, '_', ' ')) || ' taken ' || to_char(taken_at, 'YYYY-MM-DD')
          FROM biometric_references WHERE arrest_id = ${arrestId}::uuid AND status <> 'DESTROYED'
        ORDER BY 1, 3`,
  );
}

/** The forces that owned a person's deleted records (from their tombstones). */
export async function tombstoneOwnersOf(db: Database, personId: string): Promise<string[]> {
  const rows = await queryRows<{ owner: string }>(
    db,
    sql`SELECT DISTINCT owning_organisation_id::text AS owner FROM record_tombstones WHERE person_id = ${personId}::uuid`,
  );
  return rows.map((r) => r.owner);
}

/** What is left of a deleted record: its tombstones, by the record's id or a tombstone's own (auditors ask by either). */
export function tombstonesOfRecord(db: Database, id: string) {
  return db
    .select()
    .from(recordTombstones)
    .where(or(eq(recordTombstones.recordId, id), eq(recordTombstones.id, id)))
    .orderBy(asc(recordTombstones.deletedAt));
}

/** A person's tombstones, newest first. */
export function tombstonesOf(db: Database, personId: string) {
  return db
    .select()
    .from(recordTombstones)
    .where(eq(recordTombstones.personId, personId))
    .orderBy(desc(recordTombstones.deletedAt));
}

/** Deletions per month by rule (counts only), newest month first. */
export function deletionsByMonth(db: Database) {
  return queryRows<{ month: string; rule_id: string; count: number }>(
    db,
    sql`SELECT to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, rule_id, count(*)::int AS count
        FROM record_tombstones GROUP BY 1, 2 ORDER BY 1 DESC, 2 LIMIT 600`,
  );
}
