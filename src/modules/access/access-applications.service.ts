import { randomUUID } from 'node:crypto';
import { asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { type Clock, isCalendarDate } from '../../platform/clock.ts';
import { type FieldProblem, LedsError } from '../../platform/errors.ts';
import { declareLifecycle } from '../../platform/lifecycle.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { AccessDecisions } from './access.decisions.ts';
import { accessApplicationItems, accessApplications, organisations } from './access.tables.ts';
import type { AgreementsService } from './agreements.service.ts';

export interface ApplicationItemInput {
  dataset: string;
  purposes: string[];
  legalBasis: string;
  businessCase: string;
}

export interface ApplicationInput {
  requestedValidTo: string;
  items: ApplicationItemInput[];
}

export interface ItemDecision {
  itemId: string;
  decision: 'APPROVED' | 'REFUSED';
  reason: string;
}

export interface PanelDecision {
  reason: string;
  items: ItemDecision[];
  validFrom: string;
  validTo: string;
  reviewDue: string;
}

export type Application = typeof accessApplications.$inferSelect & {
  organisation: string;
  items: (typeof accessApplicationItems.$inferSelect)[];
};

/**
 * The lifecycle of an application for access, declared: a decision moves a submitted application to approved,
 * partly approved or refused; a refusal or a partial approval may be appealed; an appeal is upheld or dismissed.
 */
export const accessApplicationLifecycle = declareLifecycle({
  SUBMITTED: ['APPROVED', 'PARTLY_APPROVED', 'REFUSED'],
  REFUSED: ['APPEALED'],
  PARTLY_APPROVED: ['APPEALED'],
  APPROVED: [],
  APPEALED: ['APPEAL_UPHELD', 'APPEAL_DISMISSED'],
  APPEAL_UPHELD: [],
  APPEAL_DISMISSED: [],
});
type AccessApplicationState = keyof typeof accessApplicationLifecycle.transitions;

/** What each move is called in the refusal of a move the lifecycle does not allow. */
const moveNames: Record<AccessApplicationState, string> = {
  SUBMITTED: 'submitted',
  APPROVED: 'decided',
  PARTLY_APPROVED: 'decided',
  REFUSED: 'decided',
  APPEALED: 'appealed',
  APPEAL_UPHELD: 'decided on appeal',
  APPEAL_DISMISSED: 'decided on appeal',
};

/**
 * The lifecycle of an application for access (accessApplicationLifecycle), enforced here:
 * SUBMITTED -> APPROVED | PARTLY_APPROVED | REFUSED; PARTLY_APPROVED | REFUSED -> APPEALED;
 * APPEALED -> APPEAL_UPHELD | APPEAL_DISMISSED. Approval, in full or in part, and an upheld appeal create the
 * data sharing agreement (reference DSA-<application reference>) with what was approved.
 */
export class AccessApplicationsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly decisions: AccessDecisions,
    private readonly agreements: AgreementsService,
    private readonly audit: AuditTrail,
  ) {}

  async submit(ctx: RequestContext, input: ApplicationInput): Promise<Application> {
    await this.decisions.require(ctx, 'access-application.submit');
    const problems: FieldProblem[] = [];
    if (input.items.length === 0) problems.push({ field: 'items', message: 'ask for at least one dataset' });
    problems.push(
      ...this.agreements.grantProblems(
        input.items.map((i) => ({ dataset: i.dataset, operations: ['read', 'search'], purposes: i.purposes })),
        'items',
      ),
    );
    input.items.forEach((item, i) => {
      if (item.purposes.length === 0)
        problems.push({ field: `items/${i}/purposes`, message: 'name at least one purpose' });
      if (!item.legalBasis.trim()) problems.push({ field: `items/${i}/legalBasis`, message: 'give the legal basis' });
      if (item.businessCase.trim().length < 20)
        problems.push({
          field: `items/${i}/businessCase`,
          message: 'explain the business case in at least 20 characters',
        });
    });
    const today = this.clock.now().toISOString().slice(0, 10);
    if (!isCalendarDate(input.requestedValidTo) || input.requestedValidTo <= today) {
      problems.push({ field: 'requestedValidTo', message: 'must be a date after today' });
    }
    if (problems.length > 0) throw new LedsError('REQUEST_INVALID', 'the application is not complete', problems);
    const id = randomUUID();
    const reference = `APP-${ctx.organisation.code}-${id.slice(0, 8).toUpperCase()}`;
    await this.db.transaction(async (tx) => {
      await tx.insert(accessApplications).values({
        id,
        reference,
        organisationId: ctx.organisation.id,
        submittedBy: ctx.actor.name,
        submittedAt: this.clock.now(),
        status: 'SUBMITTED',
        requestedValidTo: input.requestedValidTo,
      });
      await tx.insert(accessApplicationItems).values(
        input.items.map((item) => ({
          id: randomUUID(),
          applicationId: id,
          operations: ['read', 'search'],
          ...item,
          legalBasis: item.legalBasis.trim(),
          businessCase: item.businessCase.trim(),
        })),
      );
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'ACCESS_APPLICATION_SUBMITTED',
          action: 'access-application.submit',
          details: {
            applicationId: id,
            reference,
            items: input.items.map((i) => ({ dataset: i.dataset, purposes: i.purposes })),
          },
        },
      ]);
    });
    return this.load(id) as Promise<Application>;
  }

  /** Applications with their organisation's name and their items; two queries however many. */
  private async loadAll(where: SQL | undefined): Promise<Application[]> {
    const rows = await this.db
      .select({ application: accessApplications, organisation: organisations.name })
      .from(accessApplications)
      .innerJoin(organisations, eq(organisations.id, accessApplications.organisationId))
      .where(where)
      .orderBy(desc(accessApplications.submittedAt));
    if (rows.length === 0) return [];
    const items = await this.db
      .select()
      .from(accessApplicationItems)
      .where(
        inArray(
          accessApplicationItems.applicationId,
          rows.map((r) => r.application.id),
        ),
      )
      .orderBy(asc(accessApplicationItems.dataset));
    return rows.map(({ application, organisation }) => ({
      ...application,
      organisation,
      items: items.filter((item) => item.applicationId === application.id),
    }));
  }

  private async load(id: string): Promise<Application | undefined> {
    return (await this.loadAll(eq(accessApplications.id, id)))[0];
  }

  /** Panel members see every application; an organisation's administrators see their own. */
  private async mayReview(ctx: RequestContext): Promise<boolean> {
    return (await this.decisions.decide(ctx, 'access-application.review')).allowed;
  }

  async list(ctx: RequestContext): Promise<Application[]> {
    const all = await this.mayReview(ctx);
    if (!all) await this.decisions.require(ctx, 'access-application.submit');
    return this.loadAll(all ? undefined : eq(accessApplications.organisationId, ctx.organisation.id));
  }

  async get(ctx: RequestContext, id: string): Promise<Application> {
    const all = await this.mayReview(ctx);
    if (!all) await this.decisions.require(ctx, 'access-application.submit');
    const application = /^[0-9a-f-]{36}$/.test(id) ? await this.load(id) : undefined;
    if (!application || (!all && application.organisationId !== ctx.organisation.id)) {
      throw new LedsError('RECORDS_NOT_FOUND', 'no such application');
    }
    return application;
  }

  /** Refuses a move the lifecycle does not allow from where the application stands. */
  private state(application: Application, to: AccessApplicationState | readonly AccessApplicationState[]): void {
    const target = (typeof to === 'string' ? to : to[0]) as AccessApplicationState;
    const allowed = accessApplicationLifecycle.statesBefore(target);
    accessApplicationLifecycle.assertMayMove(
      application.status,
      to,
      () =>
        new LedsError(
          'REQUEST_INVALID',
          `an application that is ${application.status.toLowerCase().replace(/_/g, ' ')} cannot be ${moveNames[target]}`,
          [{ field: 'status', message: `must be ${allowed.join(' or ')}` }],
        ),
    );
  }

  private datesProblems(d: { validFrom: string; validTo: string; reviewDue: string }): FieldProblem[] {
    const problems: FieldProblem[] = [];
    for (const field of ['validFrom', 'validTo', 'reviewDue'] as const)
      if (!isCalendarDate(d[field])) problems.push({ field, message: 'must be a date YYYY-MM-DD' });
    if (problems.length === 0 && d.validTo < d.validFrom)
      problems.push({ field: 'validTo', message: 'must not be before validFrom' });
    return problems;
  }

  private async grantAgreement(
    ctx: RequestContext,
    application: Application,
    approved: Application['items'],
    dates: { validFrom: string; validTo: string; reviewDue: string },
  ) {
    const [organisation] = await this.db
      .select()
      .from(organisations)
      .where(eq(organisations.id, application.organisationId));
    const reference = `DSA-${application.reference}`;
    await this.agreements.createAgreement(
      {
        organisationCode: organisation?.code ?? '',
        reference,
        ...dates,
        grants: approved.map((item) => ({
          dataset: item.dataset,
          operations: item.operations as ('read' | 'search')[],
          purposes: item.purposes,
        })),
      },
      ctx,
    );
    return reference;
  }

  /** The panel's decision: each dataset approved or refused with a reason; approval creates the agreement. */
  async decide(ctx: RequestContext, id: string, decision: PanelDecision): Promise<Application> {
    await this.decisions.require(ctx, 'access-application.decide');
    const application = await this.get(ctx, id);
    this.state(application, ['APPROVED', 'PARTLY_APPROVED', 'REFUSED']);
    const problems = this.datesProblems(decision);
    const byItem = new Map(decision.items.map((d) => [d.itemId, d]));
    application.items.forEach((item, i) => {
      const d = byItem.get(item.id);
      if (!d) problems.push({ field: `items/${i}/decision`, message: `decide ${item.dataset}` });
      else if (d.decision === 'REFUSED' && !d.reason.trim())
        problems.push({ field: `items/${i}/reason`, message: `give the reason for refusing ${item.dataset}` });
    });
    if (!decision.reason.trim()) problems.push({ field: 'reason', message: 'give the reasons for the decision' });
    if (problems.length > 0) throw new LedsError('REQUEST_INVALID', 'the decision is not complete', problems);
    const approved = application.items.filter((item) => byItem.get(item.id)?.decision === 'APPROVED');
    const status =
      approved.length === application.items.length ? 'APPROVED' : approved.length > 0 ? 'PARTLY_APPROVED' : 'REFUSED';
    const agreementReference =
      approved.length > 0 ? await this.grantAgreement(ctx, application, approved, decision) : null;
    await this.db.transaction(async (tx) => {
      for (const item of application.items) {
        const d = byItem.get(item.id) as ItemDecision;
        await tx
          .update(accessApplicationItems)
          .set({ decision: d.decision, decisionReason: d.reason.trim() || null })
          .where(eq(accessApplicationItems.id, item.id));
      }
      await tx
        .update(accessApplications)
        .set({
          status,
          decidedBy: ctx.actor.name,
          decidedAt: this.clock.now(),
          decisionReason: decision.reason.trim(),
          agreementReference,
        })
        .where(eq(accessApplications.id, id));
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'ACCESS_APPLICATION_DECIDED',
          action: 'access-application.decide',
          details: {
            applicationId: id,
            status,
            agreementReference,
            reason: decision.reason.trim(),
            items: decision.items,
          },
        },
      ]);
    });
    return this.get(ctx, id);
  }

  /** The applicant appeals a refusal or a partial approval, with grounds. */
  async appeal(ctx: RequestContext, id: string, grounds: string): Promise<Application> {
    await this.decisions.require(ctx, 'access-application.submit');
    const application = await this.get(ctx, id);
    if (application.organisationId !== ctx.organisation.id)
      throw new LedsError('RECORDS_NOT_FOUND', 'no such application');
    this.state(application, 'APPEALED');
    if (grounds.trim().length < 20)
      throw new LedsError('REQUEST_INVALID', 'give the grounds of appeal', [
        { field: 'grounds', message: 'explain the grounds in at least 20 characters' },
      ]);
    await this.db.transaction(async (tx) => {
      await tx
        .update(accessApplications)
        .set({ status: 'APPEALED', appealGrounds: grounds.trim(), appealedAt: this.clock.now() })
        .where(eq(accessApplications.id, id));
      await this.audit.recordWithin(tx as Database, ctx, [
        { kind: 'ACCESS_APPLICATION_APPEALED', action: 'access-application.submit', details: { applicationId: id } },
      ]);
    });
    return this.get(ctx, id);
  }

  /** The panel decides an appeal; upheld, every dataset asked for is granted. */
  async decideAppeal(
    ctx: RequestContext,
    id: string,
    decision: {
      outcome: 'UPHELD' | 'DISMISSED';
      reason: string;
      validFrom: string;
      validTo: string;
      reviewDue: string;
    },
  ): Promise<Application> {
    await this.decisions.require(ctx, 'access-application.decide');
    const application = await this.get(ctx, id);
    this.state(application, decision.outcome === 'UPHELD' ? 'APPEAL_UPHELD' : 'APPEAL_DISMISSED');
    const problems = decision.outcome === 'UPHELD' ? this.datesProblems(decision) : [];
    if (!decision.reason.trim())
      problems.push({ field: 'reason', message: 'give the reasons for the appeal decision' });
    if (problems.length > 0) throw new LedsError('REQUEST_INVALID', 'the appeal decision is not complete', problems);
    const agreementReference =
      decision.outcome === 'UPHELD'
        ? await this.grantAgreement(ctx, application, application.items, decision)
        : application.agreementReference;
    await this.db.transaction(async (tx) => {
      await tx
        .update(accessApplications)
        .set({
          status: decision.outcome === 'UPHELD' ? 'APPEAL_UPHELD' : 'APPEAL_DISMISSED',
          appealDecidedBy: ctx.actor.name,
          appealDecidedAt: this.clock.now(),
          appealReason: decision.reason.trim(),
          agreementReference,
        })
        .where(eq(accessApplications.id, id));
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'ACCESS_APPLICATION_DECIDED',
          action: 'access-application.decide',
          details: { applicationId: id, appeal: decision.outcome, agreementReference, reason: decision.reason.trim() },
        },
      ]);
    });
    return this.get(ctx, id);
  }

  /** Agreements whose review is due within the given days, for the panel. */
  async reviewsDue(ctx: RequestContext, withinDays = 30) {
    await this.decisions.require(ctx, 'agreement.manage');
    const until = new Date(this.clock.now().getTime() + withinDays * 86400_000).toISOString().slice(0, 10);
    return this.agreements.reviewsDue(until);
  }

  /** Suspends, ends or reinstates an agreement, for the panel. */
  async setAgreementStatus(
    ctx: RequestContext,
    reference: string,
    status: 'ACTIVE' | 'SUSPENDED' | 'ENDED',
  ): Promise<void> {
    await this.decisions.require(ctx, 'agreement.manage');
    await this.agreements.setStatus(reference, status, ctx);
  }
}
