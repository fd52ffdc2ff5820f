// Nominals made by pushed person records that carry an identifier of a person their pusher may not see
// (docs/access.md, ingest replies). The SQL on possible_duplicates lives here: intake notes them, the owning
// force's administrator reviews them.
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { possibleDuplicates } from './records.tables.ts';

export type PossibleDuplicateRow = typeof possibleDuplicates.$inferSelect;

/** Notes that a pushed nominal shares an identifier with a person hidden from its pusher (once per pair). */
export async function notePossibleDuplicate(
  db: Database,
  values: Omit<PossibleDuplicateRow, 'id' | 'status' | 'reviewedAt' | 'reviewedBy' | 'note'>,
): Promise<void> {
  await db
    .insert(possibleDuplicates)
    .values({ id: randomUUID(), ...values, status: 'OPEN', reviewedAt: null, reviewedBy: null, note: null })
    .onConflictDoNothing();
}

/** Possible duplicates of people one organisation owns, waiting for its review, oldest first. */
export async function possibleDuplicatesForReview(
  db: Database,
  reviewingOrganisationId: string,
  limit: number,
): Promise<PossibleDuplicateRow[]> {
  return db
    .select()
    .from(possibleDuplicates)
    .where(
      and(
        eq(possibleDuplicates.reviewingOrganisationId, reviewingOrganisationId),
        eq(possibleDuplicates.status, 'OPEN'),
      ),
    )
    .orderBy(asc(possibleDuplicates.foundAt), asc(possibleDuplicates.id))
    .limit(limit);
}

export async function findPossibleDuplicate(db: Database, id: string): Promise<PossibleDuplicateRow | undefined> {
  const [row] = await db.select().from(possibleDuplicates).where(eq(possibleDuplicates.id, id)).limit(1);
  return row;
}

/** Closes a possible duplicate with the reviewer's note; the row stays as the trace of the review. */
export async function markPossibleDuplicateReviewed(
  db: Database,
  id: string,
  review: { at: Date; by: string; note: string },
): Promise<void> {
  await db
    .update(possibleDuplicates)
    .set({ status: 'REVIEWED', reviewedAt: review.at, reviewedBy: review.by, note: review.note })
    .where(eq(possibleDuplicates.id, id));
}
