import { randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AccessDecisions } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import { auditCases } from './oversight.tables.ts';

export interface AuditCase {
  id: string;
  reference: string;
  reason: string;
  openedAt: Date;
  closedAt: Date | null;
}

/** Auditors' cases: opened with a reason, named with the AUDIT purpose before the log shows anything, closed. */
export class AuditCases {
  constructor(
    private readonly db: Database,
    private readonly trail: AuditTrail,
    private readonly decisions: AccessDecisions,
    private readonly clock: Clock,
  ) {}

  async openCase(ctx: RequestContext, reason: string): Promise<AuditCase> {
    await this.decisions.require(ctx, 'audit-case.open');
    const trimmed = reason.trim();
    if (trimmed.length < 10)
      throw new LedsError('REQUEST_INVALID', 'say why the audit is needed', [
        { field: 'reason', message: 'must be at least 10 characters' },
      ]);
    const now = this.clock.now();
    const auditCase = {
      id: randomUUID(),
      reference: `AUD-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex').toUpperCase()}`,
      auditorId: ctx.actor.id,
      organisationId: ctx.organisation.id,
      reason: trimmed,
      openedAt: now,
      closedAt: null,
    };
    await this.db.transaction(async (tx) => {
      await tx.insert(auditCases).values(auditCase);
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'AUDIT_CASE_OPENED',
          action: 'audit-case.open',
          details: { reference: auditCase.reference, reason: trimmed },
        },
      ]);
    });
    return auditCase;
  }

  async listCases(ctx: RequestContext): Promise<AuditCase[]> {
    await this.decisions.require(ctx, 'audit-case.open');
    return this.db
      .select()
      .from(auditCases)
      .where(eq(auditCases.auditorId, ctx.actor.id))
      .orderBy(desc(auditCases.openedAt));
  }

  async closeCase(ctx: RequestContext, reference: string): Promise<void> {
    await this.decisions.require(ctx, 'audit-case.open');
    await this.db.transaction(async (tx) => {
      const closed = await tx
        .update(auditCases)
        .set({ closedAt: this.clock.now() })
        .where(
          and(eq(auditCases.reference, reference), eq(auditCases.auditorId, ctx.actor.id), isNull(auditCases.closedAt)),
        )
        .returning({ id: auditCases.id });
      if (closed.length === 0) throw new LedsError('AUDIT_CASE_REQUIRED', `no open audit case \`${reference}\``);
      await this.trail.recordWithin(tx as Database, ctx, [
        { kind: 'AUDIT_CASE_CLOSED', action: 'audit-case.open', details: { reference } },
      ]);
    });
  }

  /**
   * SECURITY: nothing from the log is shown unless the caller is an auditor, declared the AUDIT purpose, and
   * names an audit case of their own that is still open. A refusal is itself audited.
   */
  async requireOpenCase(ctx: RequestContext): Promise<void> {
    try {
      // An auditor without a case is sent to open one; anyone else is simply refused.
      await this.decisions.require(ctx, 'audit-case.open');
      const [open] =
        ctx.purpose === 'AUDIT' && ctx.caseReference
          ? await this.db
              .select({ id: auditCases.id })
              .from(auditCases)
              .where(
                and(
                  eq(auditCases.reference, ctx.caseReference),
                  eq(auditCases.auditorId, ctx.actor.id),
                  isNull(auditCases.closedAt),
                ),
              )
          : [];
      if (!open)
        throw new LedsError(
          'AUDIT_CASE_REQUIRED',
          'declare the AUDIT purpose with the reference of an audit case you have open',
        );
      await this.decisions.require(ctx, 'audit.search');
    } catch (error) {
      if (error instanceof LedsError)
        await this.trail.record(ctx, {
          kind: 'ACCESS_REFUSED',
          action: 'audit.search',
          outcome: 'DENIED',
          reasons: [error.code],
        });
      throw error;
    }
  }
}
