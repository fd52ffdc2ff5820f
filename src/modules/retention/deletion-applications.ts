import { randomUUID } from 'node:crypto';
import { isCalendarDate } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { custodyImageIdsOfArrest, parseAsn } from '../records/index.ts';
import { deletionApplicationLifecycle, deletionApplicationState, isDecided } from './deletion-application-lifecycle.ts';
import {
  applicationById,
  decisionsOfItems,
  insertApplication,
  updateApplication,
} from './deletion-applications.repository.ts';
import { applicationNotFound } from './retention.errors.ts';
import type { deletionApplications } from './retention.tables.ts';
import { addDays } from './retention-engine.ts';
import { endExceptionalRetention, insertInstrument } from './retention-instruments.repository.ts';
import type { Redecision } from './retention-redecision.ts';
import { RetentionUseCase, type RetentionWiring } from './retention-use-case.ts';

/** Applications for deletion: applied for, matched to an arrest, decided, told, appealed and read. */
export class DeletionApplications extends RetentionUseCase {
  constructor(
    wiring: RetentionWiring,
    private readonly redecision: Redecision,
  ) {
    super(wiring);
  }

  /**
   * Receives an application (public form, no sign-in, or staff entry) naming an arrest or event. A matched
   * application puts the whole record before a reviewer at once (C6).
   */
  async applyForDeletion(
    ctx: RequestContext | null,
    input: {
      applicantName: string;
      applicantDateOfBirth: string;
      contact: string;
      eventReference: string;
      grounds: string;
    },
  ) {
    if (ctx) await this.access.require(ctx, 'deletion-application.submit');
    const problems: { field: string; message: string }[] = [];
    for (const field of ['applicantName', 'applicantDateOfBirth', 'contact', 'eventReference', 'grounds'] as const) {
      if (!input[field]?.trim()) problems.push({ field, message: 'required' });
    }
    if (input.applicantDateOfBirth && !isCalendarDate(input.applicantDateOfBirth))
      problems.push({ field: 'applicantDateOfBirth', message: 'must be a date, YYYY-MM-DD' });
    const asn = parseAsn(input.eventReference ?? '');
    if (input.eventReference?.trim() && !asn.ok)
      problems.push({ field: 'eventReference', message: `the arrest/summons number ${asn.reason}` });
    if (problems.length > 0) throw new LedsError('REQUEST_INVALID', 'the application is incomplete', problems);
    // SECURITY: the public form looks nothing up, so that neither its answer nor the time it takes tells anyone
    // whether an arrest exists: staff match it (issue 11 item 4). Staff entering an application for an arrest their
    // own force holds, and may see, match it at once.
    const arrest = ctx
      ? (await this.officer.arrestsVisibleTo(ctx, (asn as { value: string }).value, { ownForce: true }))[0]
      : undefined;
    const receivedOn = this.today();
    const id = randomUUID();
    const reference = `DEL-${receivedOn.slice(0, 4)}-${id.slice(0, 8).toUpperCase()}`;
    const by = ctx ?? publicContext();
    await this.db.transaction(async (tx) => {
      await insertApplication(tx as Database, {
        id,
        reference,
        personId: arrest?.personId ?? null,
        arrestId: arrest?.id ?? null,
        owningOrganisationId: arrest?.org ?? null,
        channel: ctx ? 'STAFF' : 'PUBLIC',
        applicantName: input.applicantName,
        applicantDateOfBirth: input.applicantDateOfBirth,
        contact: input.contact,
        eventReference: (asn as { value: string }).value,
        grounds: input.grounds,
        receivedOn,
        targetDate: addDays(receivedOn, this.settings.applicationTargetDays),
        // An unmatched application is still a request a person made: it waits for staff to find the event.
        status: arrest ? 'RECEIVED' : 'UNMATCHED',
        recordedBy: by.actor.name,
      });
      await this.trail.recordWithin(tx as Database, by, [
        {
          kind: 'DELETION_APPLICATION_RECEIVED',
          action: 'deletion-application.submit',
          subjects: arrest ? [arrest.personId] : [],
          details: { applicationId: id, reference, matched: !!arrest },
        },
      ]);
    });
    if (arrest) await this.redecision.reevaluate(by, [arrest.personId]);
    return {
      id,
      reference,
      owningOrganisationId: arrest?.org ?? null,
      status: arrest ? 'RECEIVED' : 'UNMATCHED',
      targetDate: addDays(receivedOn, this.settings.applicationTargetDays),
    };
  }

  /**
   * Staff find the arrest an unmatched application meant (a mistyped number, an event under another force's
   * number) and match it; the application then waits for a decision and the record goes before a reviewer.
   */
  async matchApplication(ctx: RequestContext, applicationId: string, eventReference: string) {
    await this.access.require(ctx, 'deletion-application.match');
    const application = await this.loadApplication(ctx, applicationId);
    deletionApplicationLifecycle.assertMayMove(
      deletionApplicationState(application),
      'RECEIVED',
      () => new LedsError('RETENTION_APPLICATION_STATE', `application ${application.reference} is already matched`),
    );
    const asn = parseAsn(eventReference ?? '');
    if (!asn.ok)
      throw new LedsError('REQUEST_INVALID', `the arrest/summons number ${asn.reason}`, [
        { field: 'eventReference', message: `the arrest/summons number ${asn.reason}` },
      ]);
    const [arrest] = await this.officer.arrestsVisibleTo(ctx, asn.value);
    if (!arrest)
      throw new LedsError('REQUEST_INVALID', `LEDS holds no arrest ${asn.value} that you can see`, [
        { field: 'eventReference', message: 'no arrest or event with this number' },
      ]);
    await this.db.transaction(async (tx) => {
      await updateApplication(tx as Database, applicationId, {
        status: 'RECEIVED',
        personId: arrest.personId,
        arrestId: arrest.id,
        owningOrganisationId: arrest.org,
        eventReference: asn.value,
      });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_APPLICATION_MATCHED',
          action: 'retention.decide',
          subjects: [arrest.personId],
          details: { applicationId, reference: application.reference },
          shown: { eventReference: asn.value },
        },
      ]);
    });
    await this.redecision.reevaluate(ctx, [arrest.personId]);
    return this.applicationOutcome(applicationId);
  }

  /**
   * The chief officer's delegate decides. Keeping an image of an unconvicted person needs a policing purpose and
   * an exceptional reason (C1, C2), recorded as exceptional retention of each image of the event.
   */
  async decideApplication(
    ctx: RequestContext,
    applicationId: string,
    input: { decision: 'GRANTED' | 'REFUSED'; reasons: string; policingPurpose?: string; exceptionalReason?: string },
  ) {
    await this.officer.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.officer.requireForApplication(ctx, application);
    const wrongState = () =>
      new LedsError('RETENTION_APPLICATION_STATE', `application ${application.reference} is ${application.status}`);
    deletionApplicationLifecycle.assertMayMove(deletionApplicationState(application), input.decision, wrongState);
    if (!application.personId || !application.arrestId) throw wrongState();
    if (!input.reasons?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', 'a decision gives its reasons', [
        { field: 'reasons', message: 'required' },
      ]);
    const decidedOn = this.today();
    const imageIds = await custodyImageIdsOfArrest(this.db, application.arrestId);
    const images = await decisionsOfItems(this.db, imageIds);

    const unconvicted = images.filter((i) => i.rule_id === 'C1' || i.rule_id === 'C2' || i.rule_id === 'C9');
    if (input.decision === 'REFUSED' && unconvicted.length > 0) requireReasonsToKeepImages(input);
    await this.db.transaction(async (tx) => {
      await updateApplication(tx as Database, applicationId, {
        status: input.decision,
        decidedOn,
        decidedBy: ctx.actor.name,
        decisionReasons: input.reasons,
        policingPurpose: input.policingPurpose ?? null,
        exceptionalReason: input.exceptionalReason ?? null,
      });
      if (input.decision === 'REFUSED') {
        for (const image of unconvicted) {
          await insertInstrument(tx as Database, {
            id: randomUUID(),
            personId: application.personId as string,
            itemId: image.item_id,
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
      }
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_APPLICATION_DECIDED',
          action: 'retention.decide',
          subjects: [application.personId as string],
          details: { applicationId, decision: input.decision, images: images.length },
          // SECURITY: free texts may name the person; the log keeps entries for ever, so they are sealed in the
          // vault, which auditors read while the audit retention lasts (issue 13 item 8).
          shown: {
            reasons: input.reasons,
            policingPurpose: input.policingPurpose ?? null,
            exceptionalReason: input.exceptionalReason ?? null,
          },
        },
      ]);
    });
    await this.redecision.reevaluate(ctx, [application.personId]);
    return this.applicationOutcome(applicationId);
  }

  /** The applicant has been told the outcome (the letter or email sent). */
  async recordApplicantTold(ctx: RequestContext, applicationId: string) {
    await this.officer.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.officer.requireForApplication(ctx, application);
    if (!isDecided(application))
      throw new LedsError('RETENTION_APPLICATION_STATE', 'tell the applicant once the application is decided');
    await this.db.transaction(async (tx) => {
      await updateApplication(tx as Database, applicationId, { applicantToldOn: this.today() });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_APPLICANT_TOLD',
          action: 'retention.decide',
          subjects: application.personId ? [application.personId] : [],
          details: { applicationId, reference: application.reference, outcome: application.status },
        },
      ]);
    });
    return this.applicationOutcome(applicationId);
  }

  /** An appeal against a refusal: lodged with grounds, then upheld (which grants, and so deletes) or dismissed. */
  async appeal(
    ctx: RequestContext,
    applicationId: string,
    input: { grounds?: string; outcome?: 'UPHELD' | 'DISMISSED'; reasons?: string },
  ) {
    await this.officer.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.officer.requireForApplication(ctx, application);
    deletionApplicationLifecycle.assertMayMove(
      deletionApplicationState(application),
      input.outcome ? `APPEAL_${input.outcome}` : 'APPEAL_LODGED',
      () =>
        new LedsError(
          'RETENTION_APPLICATION_STATE',
          application.status !== 'REFUSED'
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
      change = {
        appealStatus: input.outcome,
        appealDecidedOn: today,
        appealReasons: input.reasons,
        ...(input.outcome === 'UPHELD' ? { status: 'GRANTED', decidedOn: today } : {}),
      };
    }
    await this.db.transaction(async (tx) => {
      await updateApplication(tx as Database, applicationId, change);
      // An upheld appeal ends the exceptional retention the refusal recorded on the images of this arrest (not
      // another event's); the re-decision then deletes.
      if (input.outcome === 'UPHELD' && application.personId && application.arrestId) {
        await endExceptionalRetention(
          tx as Database,
          application.personId,
          await custodyImageIdsOfArrest(tx as Database, application.arrestId),
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
    return this.applicationOutcome(applicationId);
  }

  /** One application as the deciding officer sees it: access-checked and audited, since it names the applicant. */
  async applicationFor(ctx: RequestContext, applicationId: string) {
    await this.officer.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.officer.requireForApplication(ctx, application);
    await this.trail.record(ctx, {
      kind: 'DELETION_APPLICATION_VIEWED',
      action: 'retention.decide',
      subjects: application.personId ? [application.personId] : [],
      details: { applicationId, reference: application.reference },
      shown: application,
    });
    return application;
  }

  /** The application an id names, or the refusal an unknown id gets (audited like a hidden one's). */
  async loadApplication(ctx: RequestContext, applicationId: string) {
    try {
      return await this.application(applicationId);
    } catch (error) {
      if (error instanceof LedsError && error.code === 'RETENTION_APPLICATION_NOT_FOUND')
        return this.officer.refuseUnknown(ctx, error);
      throw error;
    }
  }

  /**
   * What an action on an application answers: where it stands, without the applicant's name, date of birth,
   * contact or grounds. SECURITY: those are read only by applicationFor, which audits the reading; an action's
   * answer is not a read of them.
   */
  async applicationOutcome(applicationId: string) {
    const {
      applicantName: _name,
      applicantDateOfBirth: _dob,
      contact: _contact,
      grounds: _grounds,
      appealGrounds: _appealGrounds,
      ...outcome
    } = await this.application(applicationId);
    return outcome;
  }

  async application(applicationId: string) {
    const [application] = isUuid(applicationId) ? await applicationById(this.db, applicationId) : [];
    if (!application) throw applicationNotFound(applicationId);
    return { ...application, overdue: application.decidedOn === null && application.targetDate < this.today() };
  }
}

function publicContext(): RequestContext {
  return {
    actor: { kind: 'user', id: 'public', name: 'public applicant' },
    organisation: { id: '', code: '', kind: '' },
    roles: [],
    purpose: undefined,
    caseReference: undefined,
    correlationId: randomUUID(),
    channel: 'WEB',
  };
}

/** C1, C2: keeping an image of an unconvicted person needs a policing purpose and an exceptional reason. */
function requireReasonsToKeepImages(input: { policingPurpose?: string; exceptionalReason?: string }) {
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
