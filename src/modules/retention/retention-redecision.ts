import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { PersonFacts, RetentionDecision } from './retention.types.ts';
import { plannedReviewDate } from './retention-backlog.ts';
import {
  dropDecisions,
  type StoredDecision,
  storedDecisionsOf,
  writeDecisions,
} from './retention-decisions.repository.ts';
import type { RetentionDeletion } from './retention-deletion.ts';
import { assessRetention, isDue } from './retention-engine.ts';
import { loadPersonFacts, owningOrganisationOf } from './retention-facts.ts';
import { RetentionUseCase, type RetentionWiring } from './retention-use-case.ts';
import type { SweepPacing } from './sweep-pacing.ts';

/** Keeps every item's decision current for the people whose facts changed, and carries out what is due. */
export class Redecision extends RetentionUseCase {
  constructor(
    wiring: RetentionWiring,
    private readonly deletion: RetentionDeletion,
  ) {
    super(wiring);
  }

  /**
   * Re-decides everything about these people now (a fact changed) and carries out what is due. Called by ingest
   * after each transaction of records, and after every instrument, review or application decision.
   */
  async reevaluate(by: RequestContext, personIds: readonly string[]): Promise<{ changed: number; destroyed: number }> {
    const asOf = this.today();
    const facts = await loadPersonFacts(this.db, [...new Set(personIds)]);
    const decisions = facts.flatMap((f) => assessRetention(f, asOf, this.settings));
    const changed = await this.storeDecisions(personIds, decisions, facts);
    const destroyed = await this.carryOut(by, decisions, asOf);
    // Ends the deletion run: whatever this or an earlier step of the same action deleted is scrubbed from disk.
    await this.deletion.scrubTouched();
    return { changed, destroyed };
  }

  /** Writes decisions that changed, and drops those of items no longer held; returns how many changed. */
  async storeDecisions(
    personIds: readonly string[],
    decisions: RetentionDecision[],
    facts: PersonFacts[],
  ): Promise<number> {
    if (personIds.length === 0) return 0;
    const now = this.clock.now();
    const factsOf = new Map(facts.map((f) => [f.personId, f]));
    const rows = decisions.map((d) => ({
      itemId: d.itemId,
      personId: d.personId,
      itemKind: d.itemKind,
      owningOrganisationId: owningOrganisationOf(factsOf.get(d.personId) as PersonFacts, d.itemId),
      ruleId: d.ruleId,
      action: d.action,
      dueOn: d.dueOn,
      plannedOn: null as string | null,
      reason: d.reason,
      held: d.held,
      ruleSetVersion: this.rules.version,
      evaluatedAt: now,
    }));
    return this.db.transaction(async (tx) => {
      const ids = `{${[...new Set(personIds)].join(',')}}`;
      // Compared here rather than in an upsert's WHERE: ON CONFLICT locks (and so writes) every row it meets even
      // when nothing changed, and a steady-state sweep changes almost nothing.
      const stored = new Map((await storedDecisionsOf(tx as Database, ids)).map((r) => [r.item_id, r]));
      // A review past due when first decided is backlog, planned; it keeps its plan while it stays the same review.
      const today = now.toISOString().slice(0, 10);
      for (const r of rows) {
        const s = stored.get(r.itemId);
        r.plannedOn = s
          ? s.action === r.action && s.due_on === r.dueOn
            ? s.planned_on
            : null
          : plannedReviewDate(r as RetentionDecision, today, this.settings.backlogMonths);
      }
      const unchanged = (r: (typeof rows)[number], s: StoredDecision | undefined) =>
        s !== undefined &&
        s.rule_id === r.ruleId &&
        s.action === r.action &&
        s.due_on === r.dueOn &&
        s.planned_on === r.plannedOn &&
        s.reason === r.reason &&
        s.held === r.held &&
        s.rule_set_version === r.ruleSetVersion &&
        s.owning_organisation_id === r.owningOrganisationId;
      const held = new Set(rows.map((r) => r.itemId));
      const gone = [...stored.keys()].filter((id) => !held.has(id));
      if (gone.length > 0) await dropDecisions(tx as Database, gone);
      const changed = rows.filter((r) => !unchanged(r, stored.get(r.itemId)));
      if (changed.length === 0) return 0;
      await writeDecisions(tx as Database, changed);
      return changed.length;
    });
  }

  /** Destroys every item whose DESTROY date has come; a person record first, since it takes everything. */
  async carryOut(
    by: RequestContext,
    decisions: RetentionDecision[],
    asOf: string,
    stop?: AbortSignal,
    pacing?: SweepPacing,
  ): Promise<number> {
    const due = decisions.filter((d) => d.action === 'DESTROY' && isDue(d, asOf) && !d.held);
    const order = ['PERSON_RECORD', 'EVENT', 'CUSTODY_IMAGE', 'BIOMETRIC_REFERENCE', 'MARKER'];
    due.sort((a, b) => order.indexOf(a.itemKind) - order.indexOf(b.itemKind));
    let destroyed = 0;
    const size = this.settings.deletionBatchSize;
    // A stopping server waits for one deletion transaction, not a whole batch of people; the rest stays due.
    for (let i = 0, n = size; i < due.length && !stop?.aborted; i += n) {
      n = pacing?.deletionSize() ?? size;
      destroyed += await this.deletion.destroy(by, due.slice(i, i + n), by.actor.name);
      await pacing?.afterDeletion();
    }
    return destroyed;
  }
}
