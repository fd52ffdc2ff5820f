import { randomUUID } from 'node:crypto';
import { LedsError } from '../../platform/errors.ts';
import type { Database } from '../../storage/database.ts';
import { itemsTakenOnArrest, tombstonesOf } from '../records/index.ts';
import { decisionsOfItems, itemDecisionsOf } from './deletion-applications.repository.ts';
import {
  type DeletionGroundCode,
  deletionGroundCodes,
  deletionGrounds,
  type GroundMet,
  groundCovers,
} from './deletion-grounds.ts';
import { deletionApplicationItems } from './retention.tables.ts';
import { convictionOutcomes, type PersonFacts, unconvictedImageRules } from './retention.types.ts';

// What an application for deletion covers, and the decision on each item (brief 5.4 P5 to P7): the event (its PNC
// entry), its custody images, and its fingerprints and DNA (IDENT1, NDNAD), each granted or refused with its reason.

export type CoveredKind = 'EVENT' | 'CUSTODY_IMAGE' | 'BIOMETRIC_REFERENCE';

export interface CoveredItem {
  kind: CoveredKind;
  id: string;
  what: string;
  owner: string;
  /** The item's rule today (C1, C2, C9 for an unconvicted person's custody image). */
  ruleId: string | null;
}

export interface ItemDecision {
  itemId: string;
  decision: 'GRANTED' | 'REFUSED';
  reason?: string;
}

type Problem = { field: string; message: string };

/**
 * The items an application naming this arrest covers, with their rule today: the event and what was taken on it
 * that the event's force owns. Retention is each owning force's decision (docs/retention.md, who decides), so an
 * image or fingerprints another force supplied are not this force's to grant.
 */
export async function coveredItems(db: Database, arrestId: string, eventOwner: string): Promise<CoveredItem[]> {
  const taken = await itemsTakenOnArrest(db, arrestId);
  const decisions = new Map(
    (await decisionsOfItems(db, [arrestId, ...taken.map((t) => t.id)])).map((d) => [d.item_id, d]),
  );
  return [
    { kind: 'EVENT' as const, id: arrestId, what: 'the event (arrest)', owner: eventOwner },
    ...taken.map((t) => ({ kind: t.kind, id: t.id, what: t.what, owner: decisions.get(t.id)?.owner ?? eventOwner })),
  ]
    .filter((item) => item.owner === eventOwner)
    .map((item) => ({ ...item, ruleId: decisions.get(item.id)?.rule_id ?? null }));
}

/** The grounds met as given: each a listed ground with its evidence (problems name the field). */
export function checkGroundsMet(groundsMet: { code: string; evidence: string }[] | undefined, problems: Problem[]) {
  const met: GroundMet[] = [];
  for (const [i, g] of (groundsMet ?? []).entries()) {
    if (!deletionGroundCodes.includes(g.code as DeletionGroundCode)) {
      problems.push({ field: `groundsMet/${i}/code`, message: `one of ${deletionGroundCodes.join(', ')}` });
      continue;
    }
    if (!g.evidence?.trim()) {
      const ground = deletionGrounds.find((d) => d.code === g.code);
      problems.push({ field: `groundsMet/${i}/evidence`, message: `record the evidence: ${ground?.evidence}` });
      continue;
    }
    met.push({ code: g.code as DeletionGroundCode, evidence: g.evidence.trim() });
  }
  return met;
}

/**
 * Each covered item's decision: the one given for it, else the application's. Refuses an item the application
 * does not cover. Says which granted items no ground supports: a ground met that covers the kind, or, for an
 * unconvicted person's custody image, the presumption of deletion (C1, C2). A conviction's event is never
 * supported: no national process deletes a court conviction (P4).
 */
export function decideItems(
  covered: CoveredItem[],
  facts: PersonFacts,
  input: { decision: 'GRANTED' | 'REFUSED'; items?: ItemDecision[] },
  met: GroundMet[],
  problems: Problem[],
) {
  const given = new Map<string, ItemDecision>();
  for (const [i, item] of (input.items ?? []).entries()) {
    if (!covered.some((c) => c.id === item.itemId))
      problems.push({ field: `items/${i}/itemId`, message: 'not an item this application covers' });
    else given.set(item.itemId, item);
  }
  // The event's own conviction, or one on an arrest that arose from it (the rules count the chain as one: B13, C5).
  const event = covered.find((c) => c.kind === 'EVENT')?.id;
  const chain = new Set([event, ...facts.arrests.filter((a) => a.arisingFromArrestId === event).map((a) => a.id)]);
  const convicted = facts.disposals.some((d) => convictionOutcomes.has(d.outcome) && chain.has(d.arrestId));
  const decided = covered.map((c) => ({
    ...c,
    decision: given.get(c.id)?.decision ?? input.decision,
    reason: given.get(c.id)?.reason,
  }));
  const unsupported = decided.filter(
    (d) =>
      d.decision === 'GRANTED' &&
      ((d.kind === 'EVENT' && convicted) ||
        !(
          (d.kind === 'CUSTODY_IMAGE' && unconvictedImageRules.has(d.ruleId ?? '')) ||
          met.some((g) => groundCovers(g.code, d.kind))
        )),
  );
  return { decided, unsupported };
}

/** Granting what no ground supports needs an exceptional reason (P7): a conviction's event always does (P4). */
export function requireSupport(
  unsupported: CoveredItem[],
  exceptionalGrantReason: string | undefined,
  problems: Problem[],
) {
  if (unsupported.length > 0 && !exceptionalGrantReason?.trim())
    problems.push({
      field: 'exceptionalGrantReason',
      message: `granting ${unsupported.map((u) => u.what).join(', ')} needs a ground met that covers it, with its evidence, or an exceptional reason (a conviction's event always needs one)`,
    });
}

/** Writes the decision on each item. */
export async function recordItemDecisions(
  tx: Database,
  q: { applicationId: string; personId: string; decidedOn: string; decidedBy: string; reasons: string },
  decided: (CoveredItem & { decision: 'GRANTED' | 'REFUSED'; reason?: string })[],
) {
  if (decided.length === 0) return;
  await tx.insert(deletionApplicationItems).values(
    decided.map((d) => ({
      id: randomUUID(),
      applicationId: q.applicationId,
      personId: q.personId,
      itemKind: d.kind,
      itemId: d.id,
      owningOrganisationId: d.owner,
      decision: d.decision,
      reason: d.reason?.trim() || q.reasons,
      decidedOn: q.decidedOn,
      decidedBy: q.decidedBy,
    })),
  );
}

/**
 * What became of each item an application decided: deleted (with the tombstone's date and rule), or kept, with
 * why (refused, or granted but kept by a hold or another basis). It never reads as deleted unless a tombstone
 * says so.
 */
export async function itemOutcomes(db: Database, applicationId: string, personId: string | null) {
  const items = await itemDecisionsOf(db, applicationId);
  if (items.length === 0 || !personId) return [];
  const tombstones = new Map((await tombstonesOf(db, personId)).map((t) => [t.recordId, t]));
  const current = new Map(
    (
      await decisionsOfItems(
        db,
        items.map((i) => i.itemId),
      )
    ).map((d) => [d.item_id, d]),
  );
  return items.map((i) => {
    const tombstone = tombstones.get(i.itemId);
    const now = current.get(i.itemId);
    const outcome = tombstone
      ? 'DELETED'
      : i.decision === 'REFUSED'
        ? 'KEPT'
        : now?.action === 'DESTROY'
          ? 'DUE'
          : 'KEPT';
    return {
      itemKind: i.itemKind,
      itemId: i.itemId,
      decision: i.decision,
      reason: i.reason,
      decidedOn: i.decidedOn,
      outcome,
      deletedOn: tombstone ? tombstone.deletedAt.toISOString().slice(0, 10) : null,
      deletedUnder: tombstone?.ruleId ?? null,
      /** For a granted item still held: what keeps it (a legal hold, fingerprints it waits for, a determination). */
      keptBecause: !tombstone && i.decision === 'GRANTED' ? (now?.reason ?? null) : null,
    };
  });
}

/** C1, C2: keeping an image of an unconvicted person needs a policing purpose and an exceptional reason. */
export function requireReasonsToKeepImages(input: { policingPurpose?: string; exceptionalReason?: string }) {
  const problems = [];
  if (!input.policingPurpose?.trim())
    problems.push({ field: 'policingPurpose', message: 'required to keep an image of an unconvicted person' });
  if (!input.exceptionalReason?.trim())
    problems.push({ field: 'exceptionalReason', message: 'required to keep an image of an unconvicted person' });
  if (problems.length > 0)
    throw new LedsError(
      'RETENTION_REASON_REQUIRED',
      'the presumption is deletion: keeping needs a policing purpose and an exceptional reason (C1, C2)',
      problems,
    );
}
