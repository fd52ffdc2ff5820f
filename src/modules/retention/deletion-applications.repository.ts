// The SQL of applications for deletion, over retention's own tables.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { LedsError } from '../../platform/errors.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import { deletionApplicationItems, deletionApplications } from './retention.tables.ts';

/** Records a new application. */
export async function insertApplication(db: Database, row: typeof deletionApplications.$inferInsert) {
  await db.insert(deletionApplications).values(row);
}

/** Changes an application (a match, a decision, the applicant told, an appeal). */
export async function updateApplication(
  db: Database,
  applicationId: string,
  change: Partial<typeof deletionApplications.$inferInsert>,
) {
  await db.update(deletionApplications).set(change).where(eq(deletionApplications.id, applicationId));
}

/**
 * Changes an application only if it still stands where the caller read it (status, and appeal status when given),
 * inside the caller's transaction: of two decisions sent at once, the second finds it moved and is refused.
 */
export async function updateApplicationFrom(
  db: Database,
  applicationId: string,
  from: { status: string; appealStatus?: string },
  change: Partial<typeof deletionApplications.$inferInsert>,
) {
  const moved = await db
    .update(deletionApplications)
    .set(change)
    .where(
      and(
        eq(deletionApplications.id, applicationId),
        eq(deletionApplications.status, from.status),
        from.appealStatus === undefined ? undefined : eq(deletionApplications.appealStatus, from.appealStatus),
      ),
    )
    .returning({ id: deletionApplications.id });
  if (moved.length === 0)
    throw new LedsError(
      'RETENTION_APPLICATION_STATE',
      'the application was changed by someone else meanwhile: reload it',
    );
}

/**
 * Applications still waiting for a decision on a record that has just been deleted: nothing is left to decide, so
 * they are OVERTAKEN (deletion-application-lifecycle.ts) as of today, and RDP_APPLICATION erases them in time.
 */
export async function overtakeApplications(
  db: Database,
  deleted: { personId: string } | { arrestId: string },
  today: string,
) {
  await db
    .update(deletionApplications)
    .set({ status: 'OVERTAKEN', decidedOn: today })
    .where(
      and(
        eq(deletionApplications.status, 'RECEIVED'),
        'personId' in deleted
          ? eq(deletionApplications.personId, deleted.personId)
          : eq(deletionApplications.arrestId, deleted.arrestId),
      ),
    );
}

/** An application by its id (as a list: empty when none). */
export function applicationById(db: Database, applicationId: string) {
  return db.select().from(deletionApplications).where(eq(deletionApplications.id, applicationId));
}

/** The stored decisions of these items (what an application covers): rule, owner, action and why. */
export function decisionsOfItems(db: Database, itemIds: string[]) {
  if (itemIds.length === 0) return Promise.resolve([]);
  return queryRows<{ item_id: string; rule_id: string; owner: string; action: string; reason: string }>(
    db,
    sql`SELECT item_id, rule_id, owning_organisation_id AS owner, action, reason FROM retention_decisions
        WHERE item_id = ANY(${`{${itemIds.join(',')}}`}::uuid[])`,
  );
}

/** The latest decision on each item of an application (an upheld appeal decides refused items again). */
export async function itemDecisionsOf(db: Database, applicationId: string) {
  const rows = await db
    .select()
    .from(deletionApplicationItems)
    .where(eq(deletionApplicationItems.applicationId, applicationId))
    .orderBy(asc(deletionApplicationItems.decidedOn), asc(deletionApplicationItems.itemKind));
  return [...new Map(rows.map((r) => [r.itemId, r])).values()];
}

/**
 * Applications whose applicant details are due for erasure under RDP_APPLICATION: decided (and not under appeal)
 * with their last step on or before the cutoff, or never matched and received by then; none of a person under a
 * legal hold. Oldest first.
 */
export function applicationsDueForErasure(db: Database, q: { cutoff: string; today: string; limit: number }) {
  return queryRows<typeof deletionApplications.$inferSelect & { person_id: string | null }>(
    db,
    sql`SELECT a.id, a.person_id, a.reference, a.applicant_name, a.applicant_date_of_birth::text, a.contact,
               a.event_reference, a.grounds, a.decision_reasons, a.policing_purpose, a.exceptional_reason,
               a.appeal_grounds, a.appeal_reasons, a.grounds_met, a.exceptional_grant_reason,
               (SELECT json_agg(i.reason) FROM deletion_application_items i WHERE i.application_id = a.id) AS item_reasons
        FROM deletion_applications a
        WHERE a.personal_details_erased_on IS NULL
          AND ((a.status IN ('GRANTED', 'PARTLY_GRANTED', 'REFUSED', 'OVERTAKEN') AND a.appeal_status <> 'LODGED'
                AND GREATEST(a.decided_on, a.applicant_told_on, a.appeal_decided_on) <= ${q.cutoff}::date)
            OR (a.status = 'UNMATCHED' AND a.received_on <= ${q.cutoff}::date))
          AND NOT EXISTS (
            SELECT 1 FROM retention_instruments h
            WHERE h.kind = 'LEGAL_HOLD' AND h.person_id = a.person_id AND h.item_id IS NULL
              AND h.made_on <= ${q.today}::date AND (h.ended_on IS NULL OR h.ended_on > ${q.today}::date))
        ORDER BY a.received_on, a.id
        LIMIT ${q.limit}`,
  );
}

/** The applicant's details and every free text of these applications, erased; the rest stays for the figures. */
export async function eraseApplicantDetails(db: Database, applicationIds: string[], erasedOn: string) {
  await db
    .update(deletionApplications)
    .set({
      applicantName: null,
      applicantDateOfBirth: null,
      contact: null,
      eventReference: null,
      grounds: null,
      decisionReasons: null,
      policingPurpose: null,
      exceptionalReason: null,
      appealGrounds: null,
      appealReasons: null,
      groundsMet: null,
      exceptionalGrantReason: null,
      personalDetailsErasedOn: erasedOn,
      // UNMATCHED -> LAPSED (deletion-application-lifecycle.ts): with the event it named erased, none can match it.
      status: sql`CASE WHEN ${deletionApplications.status} = 'UNMATCHED' THEN 'LAPSED' ELSE ${deletionApplications.status} END`,
    })
    .where(inArray(deletionApplications.id, applicationIds));
  await db
    .update(deletionApplicationItems)
    .set({ reason: null })
    .where(inArray(deletionApplicationItems.applicationId, applicationIds));
}
