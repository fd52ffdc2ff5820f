import type { RetentionConfig } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../storage/database.ts';
import type { AccessDecisions } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { RecordIntake } from '../records/index.ts';
import { ApplicationErasure } from './application-erasure.ts';
import { DeletionApplicationDecisions } from './deletion-application-decisions.ts';
import { DeletionApplications } from './deletion-applications.ts';
import { DeletionNotices } from './deletion-notices.ts';
import { PersonRetentionView } from './person-retention.ts';
import { RetentionDeletion } from './retention-deletion.ts';
import { RetentionDesk } from './retention-desk.ts';
import { RetentionFigures } from './retention-figures.ts';
import { RetentionInstruments } from './retention-instruments.ts';
import { RetentionOfficerAccess } from './retention-officer-access.ts';
import { Redecision } from './retention-redecision.ts';
import { RetentionReviews } from './retention-reviews.ts';
import type { RetentionRuleSet } from './retention-rules.ts';
import { RetentionSweep } from './retention-sweep.ts';
import { isoDay, type RetentionWiring } from './retention-use-case.ts';

export type { PlanReport, SweepOptions, SweepReport } from './retention-sweep.ts';

/**
 * The retention engine at work: keeps every item's decision current, destroys what is due (everywhere, with a
 * tombstone, a notice to the owning force and the content sealed in the audit vault), and records the
 * instruments, reviews and applications that change what is due (brief section 5). Each use case is a file of
 * its own; this is the one object the composition root wires and the API, pages, CLI and jobs call.
 */
export class RetentionService {
  readonly handlesApplication: RetentionOfficerAccess['handlesApplication'];
  readonly reevaluate: Redecision['reevaluate'];
  readonly destroy: RetentionDeletion['destroy'];
  readonly sweep: RetentionSweep['sweep'];
  readonly planFor: RetentionSweep['planFor'];
  readonly plan: RetentionSweep['plan'];
  readonly chaseOverdueNotices: DeletionNotices['chaseOverdueNotices'];
  readonly noticesFor: DeletionNotices['noticesFor'];
  readonly acknowledgeNotice: DeletionNotices['acknowledgeNotice'];
  readonly recordInstrument: RetentionInstruments['recordInstrument'];
  readonly endInstrument: RetentionInstruments['endInstrument'];
  readonly disregardConviction: RetentionInstruments['disregardConviction'];
  readonly recordReview: RetentionReviews['recordReview'];
  readonly applyForDeletion: DeletionApplications['applyForDeletion'];
  readonly matchApplication: DeletionApplications['matchApplication'];
  readonly decideApplication: DeletionApplicationDecisions['decideApplication'];
  readonly recordApplicantTold: DeletionApplications['recordApplicantTold'];
  readonly appeal: DeletionApplicationDecisions['appeal'];
  readonly applicationFor: DeletionApplications['applicationFor'];
  readonly personRetention: PersonRetentionView['personRetention'];
  readonly overview: RetentionDesk['overview'];
  readonly figures: RetentionFigures['figures'];
  /** Where this process's sweep stands, for the desk and the log. */
  readonly sweepProgress: RetentionSweep['progress'];

  /** Pending notices of an organisation as CSV rows, for a force's local deletion run. */
  static readonly noticesCsv = DeletionNotices.noticesCsv;

  constructor(
    db: Database,
    trail: AuditTrail,
    access: AccessDecisions,
    intake: RecordIntake,
    private readonly clock: Clock,
    settings: RetentionConfig,
    readonly rules: RetentionRuleSet,
    scrub: RetentionWiring['scrub'],
  ) {
    const wiring: RetentionWiring = { db, trail, access, intake, clock, settings, rules, scrub };
    const officer = new RetentionOfficerAccess(db, trail, access);
    const deletion = new RetentionDeletion(wiring);
    const redecision = new Redecision(wiring, deletion);
    const notices = new DeletionNotices(wiring);
    const sweep = new RetentionSweep(wiring, redecision, notices, deletion, new ApplicationErasure(wiring));
    const instruments = new RetentionInstruments(wiring, redecision, deletion);
    const reviews = new RetentionReviews(wiring, redecision);
    const applications = new DeletionApplications(wiring, redecision);
    const decisions = new DeletionApplicationDecisions(wiring, redecision, applications);
    const person = new PersonRetentionView(wiring);
    const desk = new RetentionDesk(wiring);
    const figures = new RetentionFigures(wiring);
    this.handlesApplication = officer.handlesApplication.bind(officer);
    this.reevaluate = redecision.reevaluate.bind(redecision);
    this.destroy = deletion.destroy.bind(deletion);
    this.sweep = sweep.sweep.bind(sweep);
    this.planFor = sweep.planFor.bind(sweep);
    this.plan = sweep.plan.bind(sweep);
    this.chaseOverdueNotices = notices.chaseOverdueNotices.bind(notices);
    this.noticesFor = notices.noticesFor.bind(notices);
    this.acknowledgeNotice = notices.acknowledgeNotice.bind(notices);
    this.recordInstrument = instruments.recordInstrument.bind(instruments);
    this.endInstrument = instruments.endInstrument.bind(instruments);
    this.disregardConviction = instruments.disregardConviction.bind(instruments);
    this.recordReview = reviews.recordReview.bind(reviews);
    this.applyForDeletion = applications.applyForDeletion.bind(applications);
    this.matchApplication = applications.matchApplication.bind(applications);
    this.decideApplication = decisions.decideApplication.bind(decisions);
    this.recordApplicantTold = applications.recordApplicantTold.bind(applications);
    this.appeal = decisions.appeal.bind(decisions);
    this.applicationFor = applications.applicationFor.bind(applications);
    this.personRetention = person.personRetention.bind(person);
    this.overview = desk.overview.bind(desk);
    this.figures = figures.figures.bind(figures);
    this.sweepProgress = sweep.progress;
  }

  today(): string {
    return isoDay(this.clock.now());
  }
}
