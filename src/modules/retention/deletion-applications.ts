import { randomUUID } from 'node:crypto';
import { isCalendarDate } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { parseAsn } from '../records/index.ts';
import { coveredItems, itemOutcomes } from './application-items.ts';
import { deletionApplicationLifecycle, deletionApplicationState, isDecided } from './deletion-application-lifecycle.ts';
import {
  applicationById,
  insertApplication,
  updateApplication,
  updateApplicationFrom,
} from './deletion-applications.repository.ts';
import { type DeletionGroundCode, deletionGroundCodes } from './deletion-grounds.ts';
import { applicationNotFound } from './retention.errors.ts';
import { addDays } from './retention-engine.ts';
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
      /** Grounds chosen from the list (deletion-grounds.ts), beside the applicant's own words. */
      groundCodes?: string[];
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
    const groundCodes = [...new Set(input.groundCodes ?? [])];
    for (const [i, code] of groundCodes.entries())
      if (!deletionGroundCodes.includes(code as DeletionGroundCode))
        problems.push({ field: `groundCodes/${i}`, message: `one of ${deletionGroundCodes.join(', ')}` });
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
        groundCodes,
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
    // SECURITY: once matched, an application is its owning force's alone; anyone else gets the unknown-id answer,
    // not a "state" error that would confirm it exists and give its reference.
    if (application.status !== 'UNMATCHED') await this.officer.requireForApplication(ctx, application);
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
      await updateApplicationFrom(
        tx as Database,
        applicationId,
        { status: 'UNMATCHED' },
        {
          status: 'RECEIVED',
          personId: arrest.personId,
          arrestId: arrest.id,
          owningOrganisationId: arrest.org,
          eventReference: asn.value,
        },
      );
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
    const outcome = await this.applicationOutcome(applicationId);
    // SECURITY: matching is open to every police force's retention officers, deciding to the owner alone: someone
    // who matched another force's arrest learns nothing of that force's items.
    if (await this.officer.handlesApplication(ctx, outcome)) return outcome;
    const { items: _items, toDecide: _toDecide, ...matched } = outcome;
    return { ...matched, items: [], toDecide: [] };
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

  /** One application as the deciding officer sees it: access-checked and audited, since it names the applicant. */
  async applicationFor(ctx: RequestContext, applicationId: string) {
    await this.officer.requireOwnForce(ctx);
    const found = await this.loadApplication(ctx, applicationId);
    await this.officer.requireForApplication(ctx, found);
    const application = { ...found, ...(await this.itemsOf(found)) };
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
    return { ...outcome, ...(await this.itemsOf(outcome)) };
  }

  /**
   * The items an application covers: those still to decide (while it is open), and what became of each decided one,
   * so the application never reads as if something was deleted that was not.
   */
  private async itemsOf(application: {
    id: string;
    personId: string | null;
    arrestId: string | null;
    owningOrganisationId: string | null;
    status: string;
  }) {
    const decided = await itemOutcomes(this.db, application.id, application.personId);
    const toDecide =
      application.status === 'RECEIVED' && application.arrestId && application.owningOrganisationId
        ? (await coveredItems(this.db, application.arrestId, application.owningOrganisationId)).map(
            ({ kind, id, what, ruleId }) => ({ itemKind: kind, itemId: id, what, ruleId }),
          )
        : [];
    return { items: decided, toDecide };
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
