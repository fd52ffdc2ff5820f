// Pushed records LEDS accepted but could not link to a person the pusher may see (docs/access.md, ingest
// replies). The SQL on held_records lives here, for intake (which holds) and for the review use cases.
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { heldRecords, people } from './records.tables.ts';

export type HeldRecordRow = typeof heldRecords.$inferSelect;

/** Why a record is held. The pusher is never told which: to them every held record looks accepted. */
export type HoldReason = 'PERSON_NOT_VISIBLE' | 'NAMES_NO_PERSON' | 'REFERENCE_HELD';

/** HELD waits; LINKED and REFUSED are the reviewer's decisions. A record the pusher itself later links to a person
 * it may see (by sending it again) is no longer held at all, and its row goes. */
export type HeldStatus = 'HELD' | 'LINKED' | 'REFUSED';

/** A reference (a PNC ID, an arrest/summons number, an identifier) that may not be followed for this pusher. */
export class RecordHeld extends Error {
  override name = 'RecordHeld';
  constructor(
    readonly reason: HoldReason,
    /** The person the record names, where it names one (hidden from the pusher). */
    readonly personId: string | null,
    /** Who reviews it: the named person's owner, or the pusher when it names nobody. */
    readonly reviewingOrganisationId: string,
  ) {
    super(`held: ${reason}`);
  }
}

export async function findHeldRecord(
  db: Database,
  sourceSystem: string,
  sourceRecordId: string,
): Promise<HeldRecordRow | undefined> {
  const [row] = await db
    .select()
    .from(heldRecords)
    .where(and(eq(heldRecords.sourceSystem, sourceSystem), eq(heldRecords.sourceRecordId, sourceRecordId)))
    .limit(1);
  return row;
}

export async function findHeldRecordById(db: Database, id: string): Promise<HeldRecordRow | undefined> {
  const [row] = await db.select().from(heldRecords).where(eq(heldRecords.id, id)).limit(1);
  return row;
}

/** Stores (or replaces) what a held record says, waiting again for review. */
export async function storeHeldRecord(
  db: Database,
  values: Omit<HeldRecordRow, 'status' | 'decidedAt' | 'decidedBy' | 'decisionReason'>,
): Promise<void> {
  const { id: _id, receivedAt: _received, ...changes } = values;
  await db
    .insert(heldRecords)
    .values({ ...values, status: 'HELD', decidedAt: null, decidedBy: null, decisionReason: null })
    .onConflictDoUpdate({
      target: [heldRecords.sourceSystem, heldRecords.sourceRecordId],
      set: { ...changes, status: 'HELD', decidedAt: null, decidedBy: null, decisionReason: null },
    });
}

/** Closes a held record: its content goes, its trace (who sent what, when, and what became of it) stays. */
export async function closeHeldRecord(
  db: Database,
  id: string,
  status: Exclude<HeldStatus, 'HELD'>,
  decision: { at: Date; by: string | null; reason: string | null },
): Promise<void> {
  await db
    .update(heldRecords)
    .set({
      status,
      record: null,
      updatedAt: decision.at,
      decidedAt: decision.at,
      decidedBy: decision.by,
      decisionReason: decision.reason,
    })
    .where(eq(heldRecords.id, id));
}

/** Records of one source system held because a record they refer to is held, oldest first. */
export async function heldBehind(db: Database, sourceSystem: string): Promise<HeldRecordRow[]> {
  return db
    .select()
    .from(heldRecords)
    .where(
      and(
        eq(heldRecords.sourceSystem, sourceSystem),
        eq(heldRecords.status, 'HELD'),
        eq(heldRecords.reason, 'REFERENCE_HELD'),
      ),
    )
    .orderBy(asc(heldRecords.receivedAt), asc(heldRecords.id));
}

/**
 * Held records waiting for one organisation's review: those naming a person it owns (with that person's protected
 * flag). A record naming nobody has no reviewer: its pusher sees it among its records not linked.
 */
export async function heldForReview(db: Database, reviewingOrganisationId: string, limit: number) {
  return db
    .select({ held: heldRecords, protectedIdentity: sql<boolean>`coalesce(${people.protectedIdentity}, false)` })
    .from(heldRecords)
    .leftJoin(people, eq(people.personId, heldRecords.personId))
    .where(
      and(
        eq(heldRecords.reviewingOrganisationId, reviewingOrganisationId),
        eq(heldRecords.status, 'HELD'),
        isNotNull(heldRecords.personId),
      ),
    )
    .orderBy(asc(heldRecords.receivedAt), asc(heldRecords.id))
    .limit(limit);
}

/** The trace of a held record the pusher itself has since linked to a person it may see: nothing is held any more. */
export async function forgetHeldRecord(db: Database, id: string): Promise<void> {
  await db.delete(heldRecords).where(eq(heldRecords.id, id));
}

/**
 * Records an organisation's systems pushed that are not linked to a person it may see, newest first: whatever a
 * reviewer did with them (linked to a person hidden from the pusher, refused, or nothing yet), they look the same
 * from here, because the difference would tell the pusher about that person.
 */
export async function heldFromOrganisation(db: Database, owningOrganisationId: string, limit: number) {
  return db
    .select()
    .from(heldRecords)
    .where(eq(heldRecords.owningOrganisationId, owningOrganisationId))
    .orderBy(sql`${heldRecords.receivedAt} desc`, asc(heldRecords.id))
    .limit(limit);
}
