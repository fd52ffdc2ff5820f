import { randomUUID } from 'node:crypto';
import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { itemNotFound } from './retention.errors.ts';
import { insertReview } from './retention-instruments.repository.ts';
import type { Redecision } from './retention-redecision.ts';
import { RetentionUseCase, type RetentionWiring } from './retention-use-case.ts';

/** Reviews of retained items. */
export class RetentionReviews extends RetentionUseCase {
  constructor(
    wiring: RetentionWiring,
    private readonly redecision: Redecision,
  ) {
    super(wiring);
  }

  /** A reviewer keeps an item (with a recorded reason, as the APP requires) or disposes of it, which destroys it. */
  async recordReview(ctx: RequestContext, input: { itemId: string; outcome: 'KEEP' | 'DISPOSE'; reason: string }) {
    await this.officer.requireOwnForce(ctx);
    if (!input.reason?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', 'a review records its reason', [
        { field: 'reason', message: 'required' },
      ]);
    const decision = await this.officer.decisionOf(ctx, input.itemId);
    await this.officer.decideOrNotFound(ctx, decision, () => itemNotFound(input.itemId));
    await this.db.transaction(async (tx) => {
      await insertReview(tx as Database, {
        id: randomUUID(),
        personId: decision.personId,
        itemId: input.itemId,
        itemKind: decision.itemKind,
        ruleId: decision.ruleId,
        reviewedOn: this.today(),
        outcome: input.outcome,
        reason: input.reason,
        reviewedBy: ctx.actor.name,
      });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'RETENTION_REVIEW_RECORDED',
          action: 'retention.decide',
          subjects: [decision.personId],
          // The reviewer's reason is free text: sealed in the vault, not kept in the log for ever.
          shown: { reason: input.reason },
          details: {
            itemId: input.itemId,
            itemKind: decision.itemKind,
            outcome: input.outcome,
            ruleId: decision.ruleId,
          },
        },
      ]);
    });
    return this.redecision.reevaluate(ctx, [decision.personId]);
  }
}
