// The SQL of retention's read models (a person's retention, the desk, the published figures), over retention's
// own tables only; what they show of records (tombstones, protected identities) the records module reads.
import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';
import {
  deletionApplications,
  deletionNotices,
  retentionDecisions,
  retentionInstruments,
  retentionReviews,
} from './retention.tables.ts';

/** The forces that own a person's retained items or instruments. */
export async function retentionOwnersOf(db: Database, personId: string): Promise<string[]> {
  const rows = await queryRows<{ owner: string }>(
    db,
    sql`SELECT owning_organisation_id::text AS owner FROM retention_decisions WHERE person_id = ${personId}::uuid
      UNION SELECT owning_organisation_id::text FROM retention_instruments WHERE person_id = ${personId}::uuid`,
  );
  return rows.map((r) => r.owner);
}

/** A person's decisions, instruments, reviews and applications for deletion, in the order the page lists them. */
export async function personRetentionRows(db: Database, personId: string) {
  const [decisions, instruments, reviews, applications] = await Promise.all([
    db
      .select()
      .from(retentionDecisions)
      .where(eq(retentionDecisions.personId, personId))
      .orderBy(asc(retentionDecisions.itemKind), asc(retentionDecisions.dueOn)),
    db
      .select()
      .from(retentionInstruments)
      .where(eq(retentionInstruments.personId, personId))
      .orderBy(desc(retentionInstruments.recordedAt)),
    db
      .select()
      .from(retentionReviews)
      .where(eq(retentionReviews.personId, personId))
      .orderBy(desc(retentionReviews.reviewedOn)),
    db.select().from(deletionApplications).where(eq(deletionApplications.personId, personId)),
  ]);
  return { decisions, instruments, reviews, applications };
}

/**
 * A force's items due now: reviews and destructions whose date has come (a planned backlog review on its planned
 * date, not on the date long past: issue 13 item 5), and every child-under-10 record from the day it arrives.
 */
function dueItems(
  db: Database,
  q: { org: string; today: string; limit: number; notProtected: (personIdColumn: string) => SQL },
) {
  const { org, today, limit, notProtected } = q;
  return db
    .select()
    .from(retentionDecisions)
    .where(
      and(
        eq(retentionDecisions.owningOrganisationId, org),
        inArray(retentionDecisions.action, ['REVIEW', 'DESTROY']),
        // A child-under-10 record is on the desk from the day it arrives (issue 13 item 4): the force has until
        // its date to record a policing purpose and regard to the Children Act, or it goes.
        // A planned backlog review is due on its planned date, not on the date long past (issue 13 item 5).
        or(
          sql`coalesce(${retentionDecisions.plannedOn}, ${retentionDecisions.dueOn}) <= ${today}::date`,
          eq(retentionDecisions.ruleId, 'MOPI_UNDER_10'),
        ),
        notProtected('retention_decisions.person_id'),
      ),
    )
    .orderBy(sql`coalesce(${retentionDecisions.plannedOn}, ${retentionDecisions.dueOn})`)
    .limit(limit);
}

/** The desk's rows for one force: due items, holds, applications, overdue notices and the counts. */
export async function deskRows(
  db: Database,
  q: { org: string; today: string; limit: number; mayMatch: boolean; notProtected: (personIdColumn: string) => SQL },
) {
  const { org, today, limit, mayMatch, notProtected } = q;
  const [due, holds, applications, overdueNotices, counts] = await Promise.all([
    dueItems(db, q),
    db
      .select()
      .from(retentionInstruments)
      .where(
        and(
          eq(retentionInstruments.owningOrganisationId, org),
          inArray(retentionInstruments.kind, [
            'LEGAL_HOLD',
            'NATIONAL_SECURITY_DETERMINATION',
            'EXCEPTIONAL_RETENTION',
          ]),
          sql`(${retentionInstruments.endedOn} is null or ${retentionInstruments.endedOn} > ${today}::date)`,
          notProtected('retention_instruments.person_id'),
        ),
      )
      .orderBy(desc(retentionInstruments.recordedAt))
      .limit(limit),
    db
      .select()
      .from(deletionApplications)
      .where(
        and(
          or(
            and(eq(deletionApplications.owningOrganisationId, org), eq(deletionApplications.status, 'RECEIVED')),
            // An unmatched application whose details were erased (RDP_APPLICATION) has nothing left to match.
            mayMatch
              ? and(eq(deletionApplications.status, 'UNMATCHED'), isNull(deletionApplications.personalDetailsErasedOn))
              : undefined,
          ),
          notProtected('deletion_applications.person_id'),
        ),
      )
      .orderBy(asc(deletionApplications.targetDate))
      .limit(limit),
    db
      .select()
      .from(deletionNotices)
      .where(
        and(
          eq(deletionNotices.owningOrganisationId, org),
          isNull(deletionNotices.acknowledgedAt),
          sql`${deletionNotices.dueBy} < ${today}::date`,
          notProtected('deletion_notices.person_id'),
        ),
      )
      .orderBy(asc(deletionNotices.dueBy))
      .limit(limit),
    queryRows<{ reviews_due: number; backlog: number; destructions_due: number; pending_notices: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM retention_decisions d WHERE owning_organisation_id = ${org}::uuid AND action = 'REVIEW' AND coalesce(planned_on, due_on) <= ${today}::date AND ${notProtected('d.person_id')}) AS reviews_due,
                 (SELECT count(*)::int FROM retention_decisions d WHERE owning_organisation_id = ${org}::uuid AND action = 'REVIEW' AND planned_on > ${today}::date AND ${notProtected('d.person_id')}) AS backlog,
                 (SELECT count(*)::int FROM retention_decisions d WHERE owning_organisation_id = ${org}::uuid AND action = 'DESTROY' AND due_on <= ${today}::date AND ${notProtected('d.person_id')}) AS destructions_due,
                 (SELECT count(*)::int FROM deletion_notices n WHERE owning_organisation_id = ${org}::uuid AND acknowledged_at IS NULL AND ${notProtected('n.person_id')}) AS pending_notices`,
    ),
  ]);
  return { due, holds, applications, overdueNotices, counts };
}

/** Custody images held, by conviction status (counts only). */
export function custodyImageFigures(db: Database) {
  return queryRows<{ status: string; count: number }>(
    db,
    sql`SELECT CASE WHEN rule_id IN ('C3', 'C4', 'C5') THEN 'CONVICTED'
                  WHEN rule_id = 'C9' AND action = 'KEEP' THEN 'AWAITING_OUTCOME'
                  WHEN held THEN 'UNDER_LEGAL_HOLD'
                  ELSE 'NOT_CONVICTED' END AS status, count(*)::int AS count
      FROM retention_decisions WHERE item_kind = 'CUSTODY_IMAGE' GROUP BY 1 ORDER BY 1`,
  );
}

/** Applications for deletion received, granted, refused, overdue and appealed (counts only). */
export async function applicationFigures(db: Database, today: string) {
  return queryRows<{
    received: number;
    granted: number;
    refused: number;
    partlyGranted: number;
    overtaken: number;
    lapsed: number;
    overdue: number;
    appeals: number;
  }>(
    db,
    sql`SELECT count(*)::int AS received,
             count(*) FILTER (WHERE status = 'GRANTED')::int AS granted,
             count(*) FILTER (WHERE status = 'REFUSED')::int AS refused,
             count(*) FILTER (WHERE status = 'PARTLY_GRANTED')::int AS "partlyGranted",
             count(*) FILTER (WHERE status = 'OVERTAKEN')::int AS overtaken,
             count(*) FILTER (WHERE status = 'LAPSED')::int AS lapsed,
             count(*) FILTER (WHERE decided_on IS NULL AND status <> 'LAPSED' AND target_date < ${today}::date)::int AS overdue,
             count(*) FILTER (WHERE appeal_status <> 'NONE')::int AS appeals
      FROM deletion_applications`,
  );
}
