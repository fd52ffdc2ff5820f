import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { RequestContext } from '../../platform/request-context.ts';
import { queryRows } from '../../storage/database.ts';
import { notProtectedIdentity } from '../records/index.ts';
import { noticeView } from './deletion-notices.ts';
import { deletionApplications, deletionNotices, retentionDecisions, retentionInstruments } from './retention.tables.ts';
import { RetentionUseCase } from './retention-use-case.ts';

/** The retention officer's desk for their own force. */
export class RetentionDesk extends RetentionUseCase {
  /**
   * The retention officer's desk for their own force: what is due, holds, applications (with the unmatched ones
   * any police force may match) and the force's overdue notices.
   */
  async overview(ctx: RequestContext, options: { limit?: number } = {}) {
    await this.officer.requireOwnForce(ctx);
    const org = ctx.organisation.id;
    const mayMatch = (await this.access.decide(ctx, 'deletion-application.match')).allowed;
    const today = this.today();
    const limit = options.limit ?? 100;
    // SECURITY: a protected identity's items, holds, applications and notices are neither listed nor counted for
    // an officer without the named role: the desk reads as if the person did not exist.
    const hideProtected = !(await this.officer.seesProtectedIdentities(ctx));
    const notProtected = (personId: string) => notProtectedIdentity(personId, hideProtected);
    const [due, holds, applications, overdueNotices, counts] = await Promise.all([
      this.db
        .select()
        .from(retentionDecisions)
        .where(
          and(
            eq(retentionDecisions.owningOrganisationId, org),
            inArray(retentionDecisions.action, ['REVIEW', 'DESTROY']),
            lte(retentionDecisions.dueOn, today),
            notProtected('retention_decisions.person_id'),
          ),
        )
        .orderBy(asc(retentionDecisions.dueOn))
        .limit(limit),
      this.db
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
      this.db
        .select()
        .from(deletionApplications)
        .where(
          and(
            or(
              and(eq(deletionApplications.owningOrganisationId, org), eq(deletionApplications.status, 'RECEIVED')),
              mayMatch ? eq(deletionApplications.status, 'UNMATCHED') : undefined,
            ),
            notProtected('deletion_applications.person_id'),
          ),
        )
        .orderBy(asc(deletionApplications.targetDate))
        .limit(limit),
      this.db
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
      queryRows<{ reviews_due: number; destructions_due: number; pending_notices: number }>(
        this.db,
        sql`SELECT (SELECT count(*)::int FROM retention_decisions d WHERE owning_organisation_id = ${org}::uuid AND action = 'REVIEW' AND due_on <= ${today}::date AND ${notProtected('d.person_id')}) AS reviews_due,
                   (SELECT count(*)::int FROM retention_decisions d WHERE owning_organisation_id = ${org}::uuid AND action = 'DESTROY' AND due_on <= ${today}::date AND ${notProtected('d.person_id')}) AS destructions_due,
                   (SELECT count(*)::int FROM deletion_notices n WHERE owning_organisation_id = ${org}::uuid AND acknowledged_at IS NULL AND ${notProtected('n.person_id')}) AS pending_notices`,
      ),
    ]);
    // Staff match unmatched applications (the public form looks nothing up): say which name an arrest this force holds.
    const ownArrests = await this.officer.ownForceArrests(
      ctx,
      applications.filter((a) => a.status === 'UNMATCHED').map((a) => a.eventReference),
    );
    const desk = {
      today,
      counts: counts[0] ?? { reviews_due: 0, destructions_due: 0, pending_notices: 0 },
      due: due.map((d) => ({ ...d, rule: this.rules.rule(d.ruleId)?.title ?? d.ruleId })),
      holds,
      applications: applications.map((a) => ({
        ...a,
        overdue: a.targetDate < today,
        namesOwnForcesArrest: a.status === 'UNMATCHED' && ownArrests.has(a.eventReference),
      })),
      overdueNotices: overdueNotices.map((n) => noticeView(n, today)),
    };
    // The desk names people and applicants: it is a read of person data and is audited like one.
    const people = [...due, ...holds, ...applications, ...overdueNotices].map((r) => r.personId);
    await this.trail.record(ctx, {
      kind: 'RETENTION_DECISIONS_VIEWED',
      action: 'retention.decide',
      subjects: people.filter((id): id is string => !!id),
      details: { view: 'retention desk', due: due.length, applications: applications.length },
      shown: desk,
    });
    return desk;
  }
}
