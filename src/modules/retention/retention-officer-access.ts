import type { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AccessDecisions } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import { arrestsWithAsn, isProtectedIdentity, personOwnerOf, protectedIdentitiesAmong } from '../records/index.ts';
import { applicationNotFound, itemNotFound, personNotFound } from './retention.errors.ts';
import { decisionOfItem } from './retention-decisions.repository.ts';

/**
 * Who decides on retention: a retention officer acts for the chief officer of the force that owns what is decided,
 * and what the caller may not decide answers exactly as an unknown id does (issue 11 item 6).
 */
export class RetentionOfficerAccess {
  constructor(
    private readonly db: Database,
    private readonly trail: AuditTrail,
    private readonly access: AccessDecisions,
  ) {}

  /**
   * SECURITY: a retention officer acts for the chief officer of the force that owns what is decided, and for no
   * other force. Asked first for the caller's own force, so that a caller with no retention role at all is refused
   * before anything is read; then `requireOwner` asks again for the owner of what was loaded.
   */
  requireOwnForce(ctx: RequestContext, action: 'retention.decide' | 'retention.review' = 'retention.decide') {
    return this.access.require(ctx, action, { owningOrganisationId: ctx.organisation.id });
  }

  /**
   * SECURITY: what the caller may not decide answers exactly as if it did not exist (issue 11 item 6): another
   * force's item, and a protected identity's unless the caller holds the named role. The refusal is audited with
   * its real reason; the caller gets `notFound`, the very error an unknown id gets.
   */
  async decideOrNotFound(
    ctx: RequestContext,
    about: { owningOrganisationId: string | null; personId: string | null },
    notFound: () => LedsError,
    action: 'retention.decide' | 'retention.review' | 'deletion-application.match' = 'retention.decide',
  ) {
    const protectedIdentity = about.personId ? await isProtectedIdentity(this.db, about.personId) : false;
    const decision = await this.access.decide(ctx, action, {
      owningOrganisationId: about.owningOrganisationId,
      protectedIdentity,
    });
    if (decision.allowed) return decision;
    const error = notFound();
    await this.trail.record(ctx, {
      kind: 'ACCESS_REFUSED',
      // One action for an application whatever its state, so that its refusal reads as an unknown id's does.
      action: action === 'deletion-application.match' ? 'retention.decide' : action,
      outcome: 'DENIED',
      subjects: about.personId ? [about.personId] : [],
      reasons: [error.code, ...decision.reasons, protectedIdentity ? 'protected identity' : 'not the caller’s force'],
      details: { message: error.message },
    });
    throw error;
  }

  /**
   * SECURITY: an id that names nothing is refused with the very entry a hidden one gets (one ACCESS_REFUSED entry of
   * the same action), so that neither the log's size nor its monthly figures tell the two apart.
   */
  async refuseUnknown(
    ctx: RequestContext,
    error: LedsError,
    action: 'retention.decide' | 'retention.review' | 'deletion-application.match' = 'retention.decide',
  ): Promise<never> {
    await this.trail.record(ctx, {
      kind: 'ACCESS_REFUSED',
      action,
      outcome: 'FAILED',
      reasons: [error.code],
      details: { message: error.message },
    });
    throw error;
  }

  /**
   * The question an application puts to Cedar: the owning force decides it; an unmatched one belongs to no force
   * yet, and any police retention officer may read and match it.
   */
  static applicationAction(application: { owningOrganisationId: string | null }) {
    return application.owningOrganisationId ? 'retention.decide' : 'deletion-application.match';
  }

  requireForApplication(
    ctx: RequestContext,
    application: { id: string; owningOrganisationId: string | null; personId: string | null },
  ) {
    return this.decideOrNotFound(
      ctx,
      application,
      () => applicationNotFound(application.id),
      RetentionOfficerAccess.applicationAction(application),
    );
  }

  /** Whether the caller decides (or, while unmatched, matches) an application: staff entry goes on to it if so. */
  async handlesApplication(ctx: RequestContext, application: { owningOrganisationId: string | null }) {
    return (await this.access.decide(ctx, RetentionOfficerAccess.applicationAction(application), application)).allowed;
  }

  /** Whether the caller may see protected identities' retention at all (their own force's, with the named role). */
  async seesProtectedIdentities(ctx: RequestContext): Promise<boolean> {
    return (
      await this.access.decide(ctx, 'retention.decide', {
        owningOrganisationId: ctx.organisation.id,
        protectedIdentity: true,
      })
    ).allowed;
  }

  async personOwner(ctx: RequestContext, personId: string): Promise<string> {
    const owner = await personOwnerOf(this.db, personId);
    if (!owner) return this.refuseUnknown(ctx, personNotFound(personId));
    return owner;
  }

  /** The stored decision of an item: whose it is, what it is and the rule it is under. */
  async decisionOf(ctx: RequestContext, itemId: string) {
    const [decision] = isUuid(itemId) ? await decisionOfItem(this.db, itemId) : [];
    if (!decision) return this.refuseUnknown(ctx, itemNotFound(itemId));
    return decision;
  }

  /**
   * Arrests with this arrest/summons number the caller may see: not a protected identity's unless the caller holds
   * the named role; with `ownForce`, only the caller's force's.
   */
  async arrestsVisibleTo(ctx: RequestContext, asn: string, options: { ownForce?: boolean } = {}) {
    const rows = await arrestsWithAsn(this.db, asn, options.ownForce ? ctx.organisation.id : undefined);
    if (await this.seesProtectedIdentities(ctx)) return rows;
    const hidden = await protectedIdentitiesAmong(
      this.db,
      rows.map((r) => r.personId),
    );
    return rows.filter((r) => !hidden.has(r.personId));
  }

  /** Which of these arrest/summons numbers name an arrest the caller's own force holds (and the caller may see). */
  async ownForceArrests(ctx: RequestContext, asns: string[]): Promise<Set<string>> {
    const named = new Set<string>();
    for (const asn of new Set(asns))
      if ((await this.arrestsVisibleTo(ctx, asn, { ownForce: true })).length) named.add(asn);
    return named;
  }
}
