import { randomUUID } from 'node:crypto';
import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import {
  checkGroundsMet,
  coveredItems,
  decideItems,
  type ItemDecision,
  itemOutcomes,
  recordItemDecisions,
  requireReasonsToKeepImages,
  requireSupport,
} from './application-items.ts';
import { deletionApplicationLifecycle, deletionApplicationState } from './deletion-application-lifecycle.ts';
import { updateApplicationFrom } from './deletion-applications.repository.ts';
import type { DeletionApplications } from './deletion-applications.ts';
import type { deletionApplications } from './retention.tables.ts';
import { type PersonFacts, unconvictedImageRules } from './retention.types.ts';
import { loadPersonFacts } from './retention-facts.ts';
import { endExceptionalRetention, insertInstrument } from './retention-instruments.repository.ts';
import type { Redecision } from './retention-redecision.ts';
import { RetentionUseCase, type RetentionWiring } from './retention-use-case.ts';

/** What the deciding officer gives: a decision for every item, any item decided on its own, the grounds met. */
export interface ApplicationDecisionInput {
  decision: 'GRANTED' | 'REFUSED';
  reasons: string;
  items?: ItemDecision[];
  groundsMet?: { code: string; evidence: string }[];
  exceptionalGrantReason?: string;
  policingPurpose?: string;
  exceptionalReason?: string;
}

/** What an appeal gives: its grounds when lodged; its outcome, reasons and what an upheld one grants when decided. */
export interface AppealInput {
  grounds?: string;
  outcome?: 'UPHELD' | 'DISMISSED';
  reasons?: string;
  /** The refused items an upheld appeal grants: all of them unless named. */
  items?: string[];
  groundsMet?: { code: string; evidence: string }[];
  exceptionalGrantReason?: string;
}

/** Applications for deletion decided item by item, and appealed (brief 5.4 P5 to P7; 5.2 C1, C2). */
export class DeletionApplicationDecisions extends RetentionUseCase {
  constructor(
    wiring: RetentionWiring,
    private readonly redecision: Redecision,
    private readonly applications: DeletionApplications,
  ) {
    super(wiring);
  }

  /**
   * The owning force's chief officer's delegate decides each item the application covers (brief 5.4 P5 to P7):
   * the event, its custody images, its fingerprints and DNA, each granted or refused with its reason (one decision
   * for all, and any item decided on its own). Granting needs a ground met, with its evidence, that covers the
   * item, or for an unconvicted person's custody image the presumption of deletion; otherwise, and for a
   * conviction's event, an exceptional reason. Refusing to delete an unconvicted person's image needs a policing
   * purpose and an exceptional reason (C1, C2), recorded as exceptional retention of the image. What is granted is
   * then deleted by the re-decision, like any deletion, unless a hold or another basis keeps it.
   */
  async decideApplication(ctx: RequestContext, applicationId: string, input: ApplicationDecisionInput) {
    await this.officer.requireOwnForce(ctx);
    const application = await this.applications.loadApplication(ctx, applicationId);
    await this.officer.requireForApplication(ctx, application);
    const wrongState = () =>
      new LedsError('RETENTION_APPLICATION_STATE', `application ${application.reference} is ${application.status}`);
    deletionApplicationLifecycle.assertMayMove(
      deletionApplicationState(application),
      ['GRANTED', 'REFUSED'],
      wrongState,
    );
    if (!application.personId || !application.arrestId || !application.owningOrganisationId) throw wrongState();
    const personId = application.personId;
    const { decided, met, status, keptImages } = await this.checkDecision(application, input);
    const decidedOn = this.today();
    await this.db.transaction(async (tx) => {
      await updateApplicationFrom(
        tx as Database,
        applicationId,
        { status: 'RECEIVED' },
        {
          status,
          decidedOn,
          decidedBy: ctx.actor.name,
          decisionReasons: input.reasons,
          policingPurpose: input.policingPurpose ?? null,
          exceptionalReason: input.exceptionalReason ?? null,
          groundsMet: met,
          exceptionalGrantReason: input.exceptionalGrantReason?.trim() || null,
        },
      );
      await recordItemDecisions(
        tx as Database,
        { applicationId, personId, decidedOn, decidedBy: ctx.actor.name, reasons: input.reasons },
        decided,
      );
      for (const image of keptImages) {
        await insertInstrument(tx as Database, {
          id: randomUUID(),
          personId,
          itemId: image.id,
          owningOrganisationId: image.owner,
          kind: 'EXCEPTIONAL_RETENTION',
          madeOn: decidedOn,
          madeBy: ctx.actor.name,
          evidence: input.exceptionalReason as string,
          policingPurpose: input.policingPurpose ?? null,
          recordedBy: ctx.actor.name,
          recordedAt: this.clock.now(),
        });
      }
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_APPLICATION_DECIDED',
          action: 'retention.decide',
          subjects: [personId],
          details: {
            applicationId,
            decision: status,
            items: decided.map((d) => ({ itemKind: d.kind, itemId: d.id, decision: d.decision })),
            groundsMet: met.map((g) => g.code),
          },
          // SECURITY: free texts may name the person; the log keeps entries for ever, so they are sealed in the
          // vault, which auditors read while the audit retention lasts (issue 13 item 8).
          shown: {
            reasons: input.reasons,
            itemReasons: decided.map((d) => d.reason ?? null),
            groundsMet: met,
            exceptionalGrantReason: input.exceptionalGrantReason ?? null,
            policingPurpose: input.policingPurpose ?? null,
            exceptionalReason: input.exceptionalReason ?? null,
          },
        },
      ]);
    });
    await this.redecision.reevaluate(ctx, [personId]);
    return this.applications.applicationOutcome(applicationId);
  }

  /** The decision on every covered item, checked: reasons, grounds met with evidence, support or an exceptional reason. */
  private async checkDecision(
    application: { arrestId: string | null; owningOrganisationId: string | null; personId: string | null },
    input: ApplicationDecisionInput,
  ) {
    const personId = application.personId as string;
    const problems: { field: string; message: string }[] = [];
    if (!input.reasons?.trim()) problems.push({ field: 'reasons', message: 'required' });
    const met = checkGroundsMet(input.groundsMet, problems);
    const covered = await coveredItems(
      this.db,
      application.arrestId as string,
      application.owningOrganisationId as string,
    );
    const [facts] = await loadPersonFacts(this.db, [personId]);
    const { decided, unsupported } = decideItems(covered, facts as PersonFacts, input, met, problems);
    const granted = decided.some((d) => d.decision === 'GRANTED');
    const status = !granted ? 'REFUSED' : decided.every((d) => d.decision === 'GRANTED') ? 'GRANTED' : 'PARTLY_GRANTED';
    requireSupport(unsupported, input.exceptionalGrantReason, problems);
    if (problems.length > 0) throw new LedsError('RETENTION_REASON_REQUIRED', 'the decision is incomplete', problems);
    const keptImages = decided.filter(
      (d) => d.kind === 'CUSTODY_IMAGE' && d.decision === 'REFUSED' && unconvictedImageRules.has(d.ruleId ?? ''),
    );
    if (keptImages.length > 0) requireReasonsToKeepImages(input);
    return { decided, met, status, keptImages };
  }

  /** An appeal against a refusal: lodged with grounds, then upheld (which grants, and so deletes) or dismissed. */
  async appeal(ctx: RequestContext, applicationId: string, input: AppealInput) {
    await this.officer.requireOwnForce(ctx);
    const application = await this.applications.loadApplication(ctx, applicationId);
    await this.officer.requireForApplication(ctx, application);
    deletionApplicationLifecycle.assertMayMove(
      deletionApplicationState(application),
      input.outcome ? `APPEAL_${input.outcome}` : 'APPEAL_LODGED',
      () =>
        new LedsError(
          'RETENTION_APPLICATION_STATE',
          application.status !== 'REFUSED' && application.status !== 'PARTLY_GRANTED'
            ? 'only a refusal can be appealed'
            : input.outcome
              ? 'no appeal has been lodged'
              : `the appeal is already ${application.appealStatus}`,
        ),
    );
    const today = this.today();
    let change: Partial<typeof deletionApplications.$inferInsert>;
    if (!input.outcome) {
      if (!input.grounds?.trim())
        throw new LedsError('RETENTION_REASON_REQUIRED', 'give the grounds of appeal', [
          { field: 'grounds', message: 'required' },
        ]);
      change = { appealStatus: 'LODGED', appealGrounds: input.grounds, appealLodgedOn: today };
    } else {
      if (!input.reasons?.trim())
        throw new LedsError('RETENTION_REASON_REQUIRED', 'give the reasons', [
          { field: 'reasons', message: 'required' },
        ]);
      change = { appealStatus: input.outcome, appealDecidedOn: today, appealReasons: input.reasons };
    }
    const upheld = input.outcome === 'UPHELD' ? await this.upheldItems(application, input) : undefined;
    if (upheld) Object.assign(change, { status: upheld.status, decidedOn: today });
    await this.db.transaction(async (tx) => {
      await updateApplicationFrom(
        tx as Database,
        applicationId,
        { status: application.status, appealStatus: application.appealStatus },
        change,
      );
      if (upheld && application.personId) {
        await recordItemDecisions(
          tx as Database,
          {
            applicationId,
            personId: application.personId,
            decidedOn: today,
            decidedBy: ctx.actor.name,
            reasons: input.reasons as string,
          },
          upheld.granted,
        );
        // An upheld appeal ends the exceptional retention the refusal recorded on the images it now grants (not
        // another event's); the re-decision then deletes.
        await endExceptionalRetention(
          tx as Database,
          application.personId,
          upheld.granted.filter((g) => g.kind === 'CUSTODY_IMAGE').map((g) => g.id),
          today,
        );
      }
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_APPLICATION_APPEALED',
          action: 'retention.decide',
          subjects: application.personId ? [application.personId] : [],
          details: { applicationId, outcome: input.outcome ?? 'LODGED' },
          shown: { reasons: input.reasons ?? null, grounds: input.grounds ?? null },
        },
      ]);
    });
    if (application.personId) await this.redecision.reevaluate(ctx, [application.personId]);
    return this.applications.applicationOutcome(applicationId);
  }

  /**
   * What an upheld appeal grants: the refused items (all, or those named), each needing a ground met that covers
   * it or an exceptional reason, as a first decision does; and the application's status after.
   */
  private async upheldItems(
    application: { id: string; arrestId: string | null; owningOrganisationId: string | null; personId: string | null },
    input: AppealInput,
  ) {
    const refused = (await itemOutcomes(this.db, application.id, application.personId)).filter(
      (i) => i.decision === 'REFUSED',
    );
    const covered = await coveredItems(
      this.db,
      application.arrestId as string,
      application.owningOrganisationId as string,
    );
    const problems: { field: string; message: string }[] = [];
    const met = checkGroundsMet(input.groundsMet, problems);
    for (const [i, id] of (input.items ?? []).entries())
      if (!refused.some((r) => r.itemId === id))
        problems.push({ field: `items/${i}`, message: 'not a refused item of this application' });
    const toGrant = covered.filter(
      (c) => refused.some((r) => r.itemId === c.id) && (!input.items || input.items.includes(c.id)),
    );
    const [facts] = await loadPersonFacts(this.db, [application.personId as string]);
    const { decided, unsupported } = decideItems(toGrant, facts as PersonFacts, { decision: 'GRANTED' }, met, problems);
    requireSupport(unsupported, input.exceptionalGrantReason, problems);
    if (problems.length > 0)
      throw new LedsError('RETENTION_REASON_REQUIRED', 'the appeal outcome is incomplete', problems);
    const stillRefused = refused.length - decided.length;
    return { granted: decided, status: stillRefused > 0 ? 'PARTLY_GRANTED' : 'GRANTED' };
  }
}
