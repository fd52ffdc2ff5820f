import { randomUUID } from 'node:crypto';
import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { itemNotFound } from './retention.errors.ts';
import { insertReview } from './retention-instruments.repository.ts';
import type { Redecision } from './retention-redecision.ts';
import { RetentionUseCase, type RetentionWiring } from './retention-use-case.ts';

export interface ReviewInput {
  itemId: string;
  outcome: 'KEEP' | 'DISPOSE';
  reason: string;
  /** For a child-under-10 record kept: the policing purpose it serves. */
  policingPurpose?: string;
  /** For a child-under-10 record kept: the regard had to the Children Act 2004 s11. */
  childrenActRegard?: string;
}

/** Words that say nothing of why a record is still needed: a keep must say more than these. */
const saysNothing =
  /^(keep|kept|keeping|retain|retained|needed|required|necessary|still needed|ok|okay|yes|n\/?a|none|-|\.)+$/i;

/**
 * A keep's reason says why: the policing purpose the record still serves, in a sentence, not "needed". A child
 * under 10's record also needs the purpose and the regard to the Children Act recorded on their own.
 */
function requireReasonsToKeep(input: ReviewInput, childRecord: boolean) {
  const problems: { field: string; message: string }[] = [];
  const reason = input.reason.trim();
  const words = reason.split(/\s+/).filter((w) => /[a-z]/i.test(w));
  if (
    words.length < 4 ||
    saysNothing.test(
      reason
        .replace(/[\s.,;:!]+/g, ' ')
        .trim()
        .replace(/ /g, ''),
    )
  )
    problems.push({
      field: 'reason',
      message: 'say why it is still needed: the policing purpose it serves, in a sentence',
    });
  if (childRecord && !input.policingPurpose?.trim())
    problems.push({ field: 'policingPurpose', message: 'required to keep a record of a child under 10' });
  if (childRecord && !input.childrenActRegard?.trim())
    problems.push({ field: 'childrenActRegard', message: 'record the regard had to the Children Act 2004 s11' });
  if (problems.length > 0)
    throw new LedsError('RETENTION_REASON_REQUIRED', 'a review that keeps a record says why', problems);
}

/** Reviews of retained items. */
export class RetentionReviews extends RetentionUseCase {
  constructor(
    wiring: RetentionWiring,
    private readonly redecision: Redecision,
  ) {
    super(wiring);
  }

  /**
   * A reviewer keeps an item, with a reason that says why (the APP: reviews that keep a record are recorded), or
   * disposes of it, which destroys it. Keeping a record of a child under 10 also needs the policing purpose it
   * serves and the regard had to the Children Act 2004 s11 (brief 5.3).
   */
  async recordReview(ctx: RequestContext, input: ReviewInput) {
    await this.officer.requireOwnForce(ctx);
    if (!input.reason?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', 'a review records its reason', [
        { field: 'reason', message: 'required' },
      ]);
    const decision = await this.officer.decisionOf(ctx, input.itemId);
    await this.officer.decideOrNotFound(ctx, decision, () => itemNotFound(input.itemId));
    // Checked only once the caller may decide the item, so a hidden item still answers as an unknown one.
    if (input.outcome === 'KEEP') requireReasonsToKeep(input, decision.ruleId === 'MOPI_UNDER_10');
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
        policingPurpose: input.outcome === 'KEEP' ? input.policingPurpose?.trim() || null : null,
        childrenActRegard: input.outcome === 'KEEP' ? input.childrenActRegard?.trim() || null : null,
      });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'RETENTION_REVIEW_RECORDED',
          action: 'retention.decide',
          subjects: [decision.personId],
          // The reviewer's reason is free text: sealed in the vault, not kept in the log for ever.
          shown: {
            reason: input.reason,
            policingPurpose: input.policingPurpose ?? null,
            childrenActRegard: input.childrenActRegard ?? null,
          },
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
