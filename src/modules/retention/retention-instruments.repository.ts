// The SQL of retention instruments, reviews and conviction disregards, over retention's own tables.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { convictionDisregards, retentionInstruments, retentionReviews } from './retention.tables.ts';
import type { InstrumentKind } from './retention.types.ts';

/** Records an instrument. */
export async function insertInstrument(db: Database, row: typeof retentionInstruments.$inferInsert) {
  await db.insert(retentionInstruments).values(row);
}

/** Ends the exceptional retention in force on these custody images of a person (an upheld appeal). */
export async function endExceptionalRetention(db: Database, personId: string, imageIds: string[], endedOn: string) {
  // An arrest with no images has no exceptional retention to end (and an empty IN list is no SQL).
  if (imageIds.length === 0) return;
  await db
    .update(retentionInstruments)
    .set({ endedOn })
    .where(
      and(
        eq(retentionInstruments.personId, personId),
        eq(retentionInstruments.kind, 'EXCEPTIONAL_RETENTION'),
        isNull(retentionInstruments.endedOn),
        inArray(retentionInstruments.itemId, imageIds),
      ),
    );
}

/** An instrument by its id (as a list: empty when none). */
export function instrumentById(db: Database, instrumentId: string) {
  return db.select().from(retentionInstruments).where(eq(retentionInstruments.id, instrumentId));
}

/** An item's instruments of one kind. */
export function instrumentsOfItem(db: Database, itemId: string, kind: InstrumentKind) {
  return db
    .select()
    .from(retentionInstruments)
    .where(and(eq(retentionInstruments.itemId, itemId), eq(retentionInstruments.kind, kind)));
}

/** Ends an instrument on a date. */
export async function endInstrumentOn(db: Database, instrumentId: string, endedOn: string) {
  await db.update(retentionInstruments).set({ endedOn }).where(eq(retentionInstruments.id, instrumentId));
}

/** Records a conviction disregarded on the Secretary of State's direction. */
export async function insertDisregard(db: Database, row: typeof convictionDisregards.$inferInsert) {
  await db.insert(convictionDisregards).values(row);
}

/** Records a review of a retained item. */
export async function insertReview(db: Database, row: typeof retentionReviews.$inferInsert) {
  await db.insert(retentionReviews).values(row);
}
