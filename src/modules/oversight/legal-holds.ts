import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AccessDecisions } from '../access/index.ts';
import { type AuditLog, type AuditTrail, endLegalHold, type LegalHold, storeLegalHold } from '../audit/index.ts';

interface LegalHoldDeps {
  db: Database;
  log: AuditLog;
  trail: AuditTrail;
  decisions: AccessDecisions;
  clock: Clock;
}

/** Keeps what users were shown about a person, or by a user, past the audit retention period. */
export async function placeLegalHold(
  deps: LegalHoldDeps,
  ctx: RequestContext,
  hold: LegalHold,
): Promise<{ id: string }> {
  await deps.decisions.require(ctx, 'audit-hold.manage');
  if (hold.reason.trim().length < 10)
    throw new LedsError('REQUEST_INVALID', 'say why the hold is needed', [
      { field: 'reason', message: 'must be at least 10 characters' },
    ]);
  const id = randomUUID();
  await deps.db.transaction(async (tx) => {
    await storeLegalHold(tx as Database, deps.log, {
      id,
      subjectKind: hold.subjectKind,
      subjectId: hold.subjectId,
      reason: hold.reason.trim(),
      placedBy: ctx.actor.id,
      placedAt: deps.clock.now(),
    });
    await deps.trail.recordWithin(tx as Database, ctx, [
      {
        kind: 'AUDIT_LEGAL_HOLD_PLACED',
        action: 'audit-hold.manage',
        subjects: hold.subjectKind === 'PERSON' ? [hold.subjectId] : [],
        details: { holdId: id, ...hold },
      },
    ]);
  });
  return { id };
}

export async function liftLegalHold(deps: LegalHoldDeps, ctx: RequestContext, id: string): Promise<void> {
  await deps.decisions.require(ctx, 'audit-hold.manage');
  await deps.db.transaction(async (tx) => {
    if (!(await endLegalHold(tx as Database, id, deps.clock.now())))
      throw new LedsError('REQUEST_INVALID', `no legal hold \`${id}\` in force`);
    await deps.trail.recordWithin(tx as Database, ctx, [
      { kind: 'AUDIT_LEGAL_HOLD_LIFTED', action: 'audit-hold.manage', details: { holdId: id } },
    ]);
  });
}
