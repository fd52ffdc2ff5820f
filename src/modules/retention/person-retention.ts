import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { organisationCodes } from '../access/index.ts';
import { isProtectedIdentity, tombstoneOwnersOf, tombstonesOf } from '../records/index.ts';
import { personNotFound } from './retention.errors.ts';
import { personRetentionRows, retentionOwnersOf } from './retention-read-models.repository.ts';
import { RetentionUseCase } from './retention-use-case.ts';

/** One person's retention as a retention officer sees it. */
export class PersonRetentionView extends RetentionUseCase {
  /** One person's retention: each item's rule, next action and date, with instruments, reviews and tombstones. */
  async personRetention(ctx: RequestContext, personId: string) {
    await this.officer.requireOwnForce(ctx, 'retention.review');
    const notFound = () => personNotFound(personId);
    if (!isUuid(personId)) return this.officer.refuseUnknown(ctx, notFound(), 'retention.review');
    // SECURITY: a force's retention officer sees the whole record's retention when their force owns part of it
    // (a review weighs the other forces' events too), and acts only on what their force owns. Any other force, and
    // an owning force's officer without the protected identity role for a protected person, is answered exactly as
    // for a person LEDS does not hold: decided from who owns what before anything else is read, so that a refusal
    // costs what an unknown id costs, and writes the same one entry.
    const [protectedIdentity, owned, tombstoneOwners] = await Promise.all([
      isProtectedIdentity(this.db, personId),
      retentionOwnersOf(this.db, personId),
      tombstoneOwnersOf(this.db, personId),
    ]);
    const owners = [...new Set([...owned, ...tombstoneOwners])];
    if (owners.length === 0) return this.officer.refuseUnknown(ctx, notFound(), 'retention.review');
    const mayReview = await Promise.all(
      owners.map(
        async (owner) =>
          (await this.access.decide(ctx, 'retention.review', { owningOrganisationId: owner, protectedIdentity }))
            .allowed,
      ),
    );
    if (!mayReview.includes(true))
      await this.officer.decideOrNotFound(
        ctx,
        { owningOrganisationId: owners[0] as string, personId },
        notFound,
        'retention.review',
      );
    const [{ decisions, instruments, reviews, applications }, tombstones] = await Promise.all([
      personRetentionRows(this.db, personId),
      tombstonesOf(this.db, personId),
    ]);
    const mayDecide = new Map<string, boolean>();
    for (const owner of owners)
      mayDecide.set(
        owner,
        (await this.access.decide(ctx, 'retention.decide', { owningOrganisationId: owner, protectedIdentity })).allowed,
      );
    const forces = await organisationCodes(this.db, owners);
    const ownership = (owner: string) => ({
      owningForce: forces.get(owner) ?? owner,
      mayDecide: mayDecide.get(owner) === true,
    });
    const view = {
      personId,
      ruleSetVersion: this.rules.version,
      decisions: decisions.map((d) => ({
        ...d,
        ...ownership(d.owningOrganisationId),
        rule: this.rules.rule(d.ruleId)?.title ?? d.ruleId,
        due: d.dueOn !== null && d.dueOn <= this.today() && d.action !== 'KEEP',
      })),
      // The person record's owner places a hold on the whole person.
      mayHoldPerson: decisions.some((d) => d.itemKind === 'PERSON_RECORD' && mayDecide.get(d.owningOrganisationId)),
      instruments: instruments.map((i) => ({ ...i, ...ownership(i.owningOrganisationId) })),
      reviews,
      tombstones,
      applications: applications.map((a) => ({
        id: a.id,
        reference: a.reference,
        status: a.status,
        receivedOn: a.receivedOn,
        decidedOn: a.decidedOn,
      })),
    };
    await this.trail.record(ctx, {
      kind: 'RETENTION_DECISIONS_VIEWED',
      action: 'retention.review',
      subjects: [personId],
      details: { items: decisions.length },
      shown: view,
    });
    return view;
  }
}
