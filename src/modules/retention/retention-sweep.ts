import { isCalendarDate } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { takeJobLease } from '../../storage/job-leases.ts';
import { personIdsAfter, protectedIdentitiesAmong } from '../records/index.ts';
import { type ApplicationErasure, applicationTables } from './application-erasure.ts';
import type { DeletionNotices } from './deletion-notices.ts';
import type { RetentionDecision } from './retention.types.ts';
import type { RetentionDeletion } from './retention-deletion.ts';
import { assessRetention, isDue } from './retention-engine.ts';
import { loadPersonFacts, owningOrganisationOf } from './retention-facts.ts';
import type { Redecision } from './retention-redecision.ts';
import { RetentionUseCase, type RetentionWiring } from './retention-use-case.ts';
import { SweepPacing } from './sweep-pacing.ts';
import { SweepProgress } from './sweep-progress.ts';

export interface SweepReport {
  asOf: string;
  people: number;
  items: number;
  changed: number;
  destroyed: number;
  reviewsDue: number;
  held: number;
  noticesChased: number;
  byRule: Record<string, number>;
  /** Applications whose applicant details were erased (RDP_APPLICATION). */
  applicationsErased: number;
  /** How the deleted rows were scrubbed from the database's files, when anything was deleted. */
  scrub?: Awaited<ReturnType<RetentionDeletion['scrubTouched']>>;
  /** The server stopped during the sweep: it ended after a whole batch; the next sweep starts again. */
  stoppedEarly?: boolean;
}

export interface SweepOptions {
  onProgress?: (people: number) => void;
  batchSize?: number;
  /** Checked between batches and between deletion transactions: a stopping server ends the sweep there. */
  stop?: AbortSignal;
  /** Waits between time slices (tests count the pauses instead of waiting). */
  pause?: (ms: number) => Promise<void>;
}

export interface PlanReport {
  asOf: string;
  people: number;
  items: number;
  byAction: Record<string, number>;
  /** Items whose action is due by the date: what a sweep on that date would destroy or put before a reviewer. */
  due: RetentionDecision[];
  dueCount: { DESTROY: number; REVIEW: number };
}

/**
 * The retention engine at work: keeps every item's decision current, destroys what is due (everywhere, with a

/** The sweep over every person, and the plan of what a sweep on a date would do. */
export class RetentionSweep extends RetentionUseCase {
  /** Where this process's sweep stands, for the desk and the log. */
  readonly progress = new SweepProgress();

  constructor(
    wiring: RetentionWiring,
    private readonly redecision: Redecision,
    private readonly notices: DeletionNotices,
    private readonly deletion: RetentionDeletion,
    private readonly applicationErasure: ApplicationErasure,
  ) {
    super(wiring);
  }

  /**
   * Every person, in batches by person id: decisions brought up to date and what is due carried out. One sweep at
   * a time across all processes (a job lease, renewed each batch); a second is refused, not queued.
   */
  async sweep(by: RequestContext, options: SweepOptions = {}): Promise<SweepReport> {
    const taken = await takeJobLease(this.db, 'retention-sweep', this.settings.sweepLeaseSeconds);
    if ('heldBy' in taken)
      throw new LedsError(
        'RETENTION_SWEEP_RUNNING',
        `a retention sweep is already running (${taken.heldBy}, its lease runs to ${taken.until})`,
      );
    try {
      return await this.sweepHoldingLease(by, options, taken.lease.renew);
    } finally {
      this.progress.abandon();
      await taken.lease.release();
    }
  }

  async sweepHoldingLease(
    by: RequestContext,
    options: SweepOptions,
    renewLease: () => Promise<void>,
  ): Promise<SweepReport> {
    const asOf = this.today();
    const report: SweepReport = {
      asOf,
      people: 0,
      items: 0,
      changed: 0,
      destroyed: 0,
      reviewsDue: 0,
      held: 0,
      noticesChased: 0,
      applicationsErased: 0,
      byRule: {},
    };
    const pacing = new SweepPacing(this.settings, this.clock, options.batchSize, options.pause);
    await this.progress.begin(this.db, this.clock.now());
    for await (const facts of this.batches(() => pacing.batchSize())) {
      const decisions = facts.flatMap((f) => assessRetention(f, asOf, this.settings));
      report.people += facts.length;
      report.items += decisions.length;
      for (const d of decisions) {
        report.byRule[d.ruleId] = (report.byRule[d.ruleId] ?? 0) + 1;
        if (d.action === 'REVIEW' && isDue(d, asOf)) report.reviewsDue += 1;
        if (d.held) report.held += 1;
      }
      report.changed += await this.redecision.storeDecisions(
        facts.map((f) => f.personId),
        decisions,
        facts,
      );
      pacing.afterPeople();
      report.destroyed += await this.redecision.carryOut(by, decisions, asOf, options.stop, pacing);
      options.onProgress?.(report.people);
      this.progress.advance(report);
      if (options.stop?.aborted) {
        report.stoppedEarly = true;
        break;
      }
      await renewLease();
      await pacing.betweenBatches();
    }
    report.noticesChased = await this.notices.chaseOverdueNotices();
    if (!report.stoppedEarly) report.applicationsErased = await this.applicationErasure.eraseDue(by);
    // A deletion run ends by scrubbing what it deleted from the database's files (issue 13 item 8).
    const scrub = await this.deletion.scrubTouched(report.applicationsErased > 0 ? applicationTables : []);
    if (scrub) report.scrub = scrub;
    await this.trail.record(by, {
      kind: 'RETENTION_SWEEP_COMPLETED',
      action: 'retention.sweep',
      details: { ...report, byRule: undefined },
    });
    this.progress.finish(report, this.clock.now());
    return report;
  }

  /** The plan for the caller's own force (`GET /retention/plan`): access-checked and limited to what it owns. */
  async planFor(ctx: RequestContext, asOf: string, options: { listLimit?: number } = {}): Promise<PlanReport> {
    await this.officer.requireOwnForce(ctx);
    if (!isCalendarDate(asOf))
      throw new LedsError('REQUEST_INVALID', `\`${asOf}\` is not a date`, [{ field: 'asOf', message: 'YYYY-MM-DD' }]);
    return this.plan(ctx, asOf, {
      ...options,
      owningOrganisationId: ctx.organisation.id,
      hideProtected: !(await this.officer.seesProtectedIdentities(ctx)),
    });
  }

  /**
   * What a sweep on a date would do, changing nothing (`leds retention plan --as-of`, run by the server's
   * operator); limited to one force's items when one is named. The items listed name people: it is audited like
   * the desk, and returned only once the entry is written.
   */
  async plan(
    by: RequestContext,
    asOf: string,
    options: {
      onProgress?: (people: number) => void;
      listLimit?: number;
      owningOrganisationId?: string;
      /** Leave out protected identities (an officer without the named role). */
      hideProtected?: boolean;
    } = {},
  ): Promise<PlanReport> {
    const report: PlanReport = {
      asOf,
      people: 0,
      items: 0,
      byAction: {},
      due: [],
      dueCount: { DESTROY: 0, REVIEW: 0 },
    };
    for await (const facts of this.batches()) {
      const hidden = options.hideProtected
        ? await protectedIdentitiesAmong(
            this.db,
            facts.map((f) => f.personId),
          )
        : new Set<string>();
      for (const f of facts) {
        if (hidden.has(f.personId)) continue;
        for (const d of assessRetention(f, asOf, this.settings)) {
          if (options.owningOrganisationId && owningOrganisationOf(f, d.itemId) !== options.owningOrganisationId)
            continue;
          report.items += 1;
          report.byAction[`${d.action} ${d.ruleId}`] = (report.byAction[`${d.action} ${d.ruleId}`] ?? 0) + 1;
          if (isDue(d, asOf)) {
            report.dueCount[d.action as 'DESTROY' | 'REVIEW'] += 1;
            if (report.due.length < (options.listLimit ?? 200)) report.due.push(d);
          }
        }
      }
      report.people += facts.length;
      options.onProgress?.(report.people);
    }
    await this.trail.record(by, {
      kind: 'RETENTION_DECISIONS_VIEWED',
      action: 'retention.plan',
      subjects: [...new Set(report.due.map((d) => d.personId))],
      details: {
        view: 'retention plan',
        asOf,
        owningOrganisationId: options.owningOrganisationId ?? null,
        dueCount: report.dueCount,
      },
      shown: report.due,
    });
    return report;
  }

  /** People in person id order, a batch at a time; a function for the size is asked again before each batch. */
  async *batches(size: number | (() => number) = this.settings.sweepBatchSize) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const ids = await personIdsAfter(this.db, after, typeof size === 'function' ? size() : size);
      if (ids.length === 0) return;
      after = ids[ids.length - 1] as string;
      yield await loadPersonFacts(this.db, ids);
    }
  }
}
