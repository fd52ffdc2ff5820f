// The SQL of deletion notices, over retention's own table.
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';
import { notProtectedIdentity } from '../records/index.ts';
import { deletionNotices } from './retention.tables.ts';

/** Marks unacknowledged notices due before `today` as chased, unless chased after `chaseBefore`; their ids. */
export function chaseOverdue(db: Database, now: Date, today: string, chaseBefore: Date) {
  return queryRows<{ id: string }>(
    db,
    sql`UPDATE deletion_notices SET chase_count = chase_count + 1, last_chased_at = ${now.toISOString()}::timestamptz
        WHERE acknowledged_at IS NULL AND due_by < ${today}::date
          AND (last_chased_at IS NULL OR last_chased_at <= ${chaseBefore.toISOString()}::timestamptz)
        RETURNING id`,
  );
}

/** An organisation's notices with a status, newest first. */
export function noticesOf(
  db: Database,
  organisationId: string,
  status: 'PENDING' | 'ACKNOWLEDGED' | 'ALL',
  limit: number,
  options: { hideProtected: boolean },
) {
  return db
    .select()
    .from(deletionNotices)
    .where(
      and(
        eq(deletionNotices.owningOrganisationId, organisationId),
        notProtectedIdentity('deletion_notices.person_id', options.hideProtected),
        status === 'PENDING'
          ? isNull(deletionNotices.acknowledgedAt)
          : status === 'ACKNOWLEDGED'
            ? sql`${deletionNotices.acknowledgedAt} is not null`
            : undefined,
      ),
    )
    .orderBy(desc(deletionNotices.issuedAt))
    .limit(limit);
}

/** One notice of an organisation, or undefined. */
export async function noticeOf(
  db: Database,
  noticeId: string,
  organisationId: string,
  options: { hideProtected: boolean },
) {
  const [notice] = await db
    .select()
    .from(deletionNotices)
    .where(
      and(
        eq(deletionNotices.id, noticeId),
        eq(deletionNotices.owningOrganisationId, organisationId),
        notProtectedIdentity('deletion_notices.person_id', options.hideProtected),
      ),
    );
  return notice;
}

/** Records a notice's acknowledgement; the notice as it now stands. */
export async function markAcknowledged(db: Database, noticeId: string, at: Date, by: string) {
  const [updated] = await db
    .update(deletionNotices)
    .set({ acknowledgedAt: at, acknowledgedBy: by })
    .where(eq(deletionNotices.id, noticeId))
    .returning();
  return updated;
}

/** Issues notices (inside the deletion's transaction). */
export async function issueNotices(db: Database, notices: (typeof deletionNotices.$inferInsert)[]) {
  await db.insert(deletionNotices).values(notices);
}

/** The notices a deletion issued for these tombstones: to whom, when due, and when acknowledged, by whom. */
export function noticesOfTombstones(db: Database, tombstoneIds: string[]) {
  if (tombstoneIds.length === 0) return Promise.resolve([]);
  return db.select().from(deletionNotices).where(inArray(deletionNotices.tombstoneId, tombstoneIds));
}
