import type { RequestContext } from '../../platform/request-context.ts';
import { notProtectedIdentity } from '../records/index.ts';
import { noticeView } from './deletion-notices.ts';
import { deskRows } from './retention-read-models.repository.ts';
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
    const { due, holds, applications, overdueNotices, counts } = await deskRows(this.db, {
      org,
      today,
      limit,
      mayMatch,
      notProtected,
    });
    // Staff match unmatched applications (the public form looks nothing up): say which name an arrest this force holds.
    const ownArrests = await this.officer.ownForceArrests(
      ctx,
      applications.flatMap((a) => (a.status === 'UNMATCHED' && a.eventReference ? [a.eventReference] : [])),
    );
    const desk = {
      today,
      counts: counts[0] ?? { reviews_due: 0, backlog: 0, destructions_due: 0, pending_notices: 0 },
      due: due.map((d) => ({ ...d, rule: this.rules.rule(d.ruleId)?.title ?? d.ruleId })),
      holds,
      applications: applications.map((a) => ({
        ...a,
        overdue: a.targetDate < today,
        namesOwnForcesArrest: a.status === 'UNMATCHED' && !!a.eventReference && ownArrests.has(a.eventReference),
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
