import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { RetentionConfig } from '../../config/config.ts';
import { type Clock, isCalendarDate } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordsetInsert } from '../../storage/bulk-insert.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import { takeJobLease } from '../../storage/job-leases.ts';
import type { AccessDecisions } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import {
  type ErasableKind,
  eraseRecord,
  isProtectedIdentity,
  linkTombstonesToAudit,
  parseAsn,
  protectedIdentitiesAmong,
  type RecordIntake,
} from '../records/index.ts';
import { arrests, disposals, recordTombstones } from '../records/records.tables.ts';
import {
  convictionDisregards,
  deletionApplications,
  deletionNotices,
  retentionDecisions,
  retentionInstruments,
  retentionReviews,
} from './retention.tables.ts';
import { type InstrumentKind, instrumentKinds, type PersonFacts, type RetentionDecision } from './retention.types.ts';
import { addDays, addYears, assessRetention, extensionWindowOpens, isDue } from './retention-engine.ts';
import { loadPersonFacts, owningOrganisationOf } from './retention-facts.ts';
import type { RetentionRuleSet } from './retention-rules.ts';
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

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The retention engine at work: keeps every item's decision current, destroys what is due (everywhere, with a
 * tombstone, a notice to the owning force and the content sealed in the audit vault), and records the
 * instruments, reviews and applications that change what is due (brief section 5).
 */
export class RetentionService {
  readonly sweepProgress = new SweepProgress();

  constructor(
    private readonly db: Database,
    private readonly trail: AuditTrail,
    private readonly access: AccessDecisions,
    private readonly intake: RecordIntake,
    private readonly clock: Clock,
    private readonly settings: RetentionConfig,
    readonly rules: RetentionRuleSet,
  ) {}

  today(): string {
    return isoDay(this.clock.now());
  }

  // ---- Who decides ---------------------------------------------------------------------------------------

  /**
   * SECURITY: a retention officer acts for the chief officer of the force that owns what is decided, and for no
   * other force. Asked first for the caller's own force, so that a caller with no retention role at all is refused
   * before anything is read; then `requireOwner` asks again for the owner of what was loaded.
   */
  private requireOwnForce(ctx: RequestContext, action: 'retention.decide' | 'retention.review' = 'retention.decide') {
    return this.access.require(ctx, action, { owningOrganisationId: ctx.organisation.id });
  }

  /**
   * SECURITY: what the caller may not decide answers exactly as if it did not exist (issue 11 item 6): another
   * force's item, and a protected identity's unless the caller holds the named role. The refusal is audited with
   * its real reason; the caller gets `notFound`, the very error an unknown id gets.
   */
  private async decideOrNotFound(
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
  private async refuseUnknown(
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
  private static applicationAction(application: { owningOrganisationId: string | null }) {
    return application.owningOrganisationId ? 'retention.decide' : 'deletion-application.match';
  }

  private requireForApplication(
    ctx: RequestContext,
    application: { id: string; owningOrganisationId: string | null; personId: string | null },
  ) {
    return this.decideOrNotFound(
      ctx,
      application,
      () => applicationNotFound(application.id),
      RetentionService.applicationAction(application),
    );
  }

  /** Whether the caller decides (or, while unmatched, matches) an application: staff entry goes on to it if so. */
  async handlesApplication(ctx: RequestContext, application: { owningOrganisationId: string | null }) {
    return (await this.access.decide(ctx, RetentionService.applicationAction(application), application)).allowed;
  }

  /** Whether the caller may see protected identities' retention at all (their own force's, with the named role). */
  private async seesProtectedIdentities(ctx: RequestContext): Promise<boolean> {
    return (
      await this.access.decide(ctx, 'retention.decide', {
        owningOrganisationId: ctx.organisation.id,
        protectedIdentity: true,
      })
    ).allowed;
  }

  private async personOwner(ctx: RequestContext, personId: string): Promise<string> {
    const [person] = isUuid(personId)
      ? await queryRows<{ owner: string }>(
          this.db,
          sql`SELECT owning_organisation_id AS owner FROM people WHERE person_id = ${personId}::uuid`,
        )
      : [];
    if (!person) return this.refuseUnknown(ctx, personNotFound(personId));
    return person.owner;
  }

  // ---- Decisions, the sweep and the plan ------------------------------------------------------------------

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
    return { changed, destroyed };
  }

  /** Writes decisions that changed, and drops those of items no longer held; returns how many changed. */
  private async storeDecisions(
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
      reason: d.reason,
      held: d.held,
      ruleSetVersion: this.rules.version,
      evaluatedAt: now,
    }));
    return this.db.transaction(async (tx) => {
      const ids = `{${[...new Set(personIds)].join(',')}}`;
      // Compared here rather than in an upsert's WHERE: ON CONFLICT locks (and so writes) every row it meets even
      // when nothing changed, and a steady-state sweep changes almost nothing.
      type Stored = {
        item_id: string;
        rule_id: string;
        action: string;
        due_on: string | null;
        reason: string;
        held: boolean;
        rule_set_version: string;
        owning_organisation_id: string;
      };
      const stored = new Map(
        (
          await queryRows<Stored>(
            tx as Database,
            sql`SELECT item_id, rule_id, action, due_on::text, reason, held, rule_set_version, owning_organisation_id
                FROM retention_decisions WHERE person_id = ANY(${ids}::uuid[])`,
          )
        ).map((r) => [r.item_id, r]),
      );
      const unchanged = (r: (typeof rows)[number], s: Stored | undefined) =>
        s !== undefined &&
        s.rule_id === r.ruleId &&
        s.action === r.action &&
        s.due_on === r.dueOn &&
        s.reason === r.reason &&
        s.held === r.held &&
        s.rule_set_version === r.ruleSetVersion &&
        s.owning_organisation_id === r.owningOrganisationId;
      const held = new Set(rows.map((r) => r.itemId));
      const gone = [...stored.keys()].filter((id) => !held.has(id));
      if (gone.length > 0)
        await tx.execute(sql`DELETE FROM retention_decisions WHERE item_id = ANY(${`{${gone.join(',')}}`}::uuid[])`);
      const changed = rows.filter((r) => !unchanged(r, stored.get(r.itemId)));
      if (changed.length === 0) return 0;
      await tx.execute(
        sql`${recordsetInsert(retentionDecisions, changed)}
          on conflict (item_id) do update set rule_id = excluded.rule_id, action = excluded.action,
            due_on = excluded.due_on, reason = excluded.reason, held = excluded.held,
            rule_set_version = excluded.rule_set_version, evaluated_at = excluded.evaluated_at,
            owning_organisation_id = excluded.owning_organisation_id`,
      );
      return changed.length;
    });
  }

  /** Destroys every item whose DESTROY date has come; a person record first, since it takes everything. */
  private async carryOut(
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
      destroyed += await this.destroy(by, due.slice(i, i + n), by.actor.name);
      await pacing?.afterDeletion();
    }
    return destroyed;
  }

  /**
   * Deletes items everywhere they live, in one transaction with their tombstones, their deletion notices and an
   * audit entry each (whose sealed content is the auditors' copy); removes image files once that has committed.
   * One transaction for many items: the audit append and the commit are most of a deletion's cost.
   * Returns the number of records removed (0 when the items had already gone).
   */
  async destroy(
    by: RequestContext,
    items: { personId: string; itemKind: ErasableKind; itemId: string; ruleId: string; reason: string }[],
    authorisedBy: string,
  ): Promise<number> {
    const now = this.clock.now();
    const dueBy = addDays(isoDay(now), this.settings.noticeAcknowledgeDays);
    const { removed, imageHashes } = await this.db.transaction(async (tx) => {
      let removed = 0;
      const imageHashes: string[] = [];
      const notices: (typeof deletionNotices.$inferInsert)[] = [];
      const entries: { tombstones: string[]; event: Parameters<AuditTrail['recordWithin']>[2][number] }[] = [];
      for (const d of items) {
        const erasure = await eraseRecord(tx as Database, d.itemKind, d.itemId, d.personId, {
          ruleId: d.ruleId,
          basis: d.reason,
          authorisedBy,
          at: now,
        });
        const rows = Object.values(erasure.content).flat() as Record<string, string>[];
        if (rows.length === 0) continue;
        removed += rows.length;
        imageHashes.push(...erasure.imageHashes);
        const recordIds = rows.map((r) => r.id ?? r.person_id).filter((id): id is string => !!id);
        if (d.itemKind === 'PERSON_RECORD') {
          for (const table of [retentionDecisions, retentionInstruments, retentionReviews, convictionDisregards]) {
            await tx.delete(table).where(eq(table.personId, d.personId));
          }
        } else {
          await tx.delete(retentionDecisions).where(inArray(retentionDecisions.itemId, recordIds));
        }
        for (const t of erasure.tombstones)
          notices.push({
            id: randomUUID(),
            personId: d.personId,
            tombstoneId: t.id,
            owningOrganisationId: t.owningOrganisationId,
            recordKind: t.recordKind,
            recordId: t.recordId,
            sourceSystem: t.sourceSystem,
            sourceRecordId: t.sourceRecordId,
            ruleId: d.ruleId,
            issuedAt: now,
            dueBy,
          });
        entries.push({
          tombstones: erasure.tombstones.map((t) => t.id),
          event: {
            kind: 'RECORD_DELETED',
            action: 'retention.destroy',
            subjects: [d.personId],
            reasons: [`${d.ruleId}: ${d.reason}`],
            details: {
              itemKind: d.itemKind,
              itemId: d.itemId,
              ruleId: d.ruleId,
              ruleSetVersion: this.rules.version,
              authorisedBy,
              records: rows.length,
              tombstones: erasure.tombstones.map((t) => t.id),
            },
            shown: erasure.content,
          },
        });
      }
      if (entries.length === 0) return { removed: 0, imageHashes: [] };
      if (notices.length > 0) await tx.insert(deletionNotices).values(notices);
      const seqs = await this.trail.recordWithin(
        tx as Database,
        by,
        entries.map((e) => e.event),
      );
      for (const [i, entry] of entries.entries()) {
        await linkTombstonesToAudit(tx as Database, entry.tombstones, seqs[i] as number);
      }
      return { removed, imageHashes };
    });
    await this.intake.removeUnreferencedImages(this.db, imageHashes);
    return removed;
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
      this.sweepProgress.abandon();
      await taken.lease.release();
    }
  }

  private async sweepHoldingLease(
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
      byRule: {},
    };
    const pacing = new SweepPacing(this.settings, this.clock, options.batchSize, options.pause);
    await this.sweepProgress.begin(this.db, this.clock.now());
    for await (const facts of this.batches(() => pacing.batchSize())) {
      const decisions = facts.flatMap((f) => assessRetention(f, asOf, this.settings));
      report.people += facts.length;
      report.items += decisions.length;
      for (const d of decisions) {
        report.byRule[d.ruleId] = (report.byRule[d.ruleId] ?? 0) + 1;
        if (d.action === 'REVIEW' && isDue(d, asOf)) report.reviewsDue += 1;
        if (d.held) report.held += 1;
      }
      report.changed += await this.storeDecisions(
        facts.map((f) => f.personId),
        decisions,
        facts,
      );
      pacing.afterPeople();
      report.destroyed += await this.carryOut(by, decisions, asOf, options.stop, pacing);
      options.onProgress?.(report.people);
      this.sweepProgress.advance(report);
      if (options.stop?.aborted) {
        report.stoppedEarly = true;
        break;
      }
      await renewLease();
      await pacing.betweenBatches();
    }
    report.noticesChased = await this.chaseOverdueNotices();
    await this.trail.record(by, {
      kind: 'RETENTION_SWEEP_COMPLETED',
      action: 'retention.sweep',
      details: { ...report, byRule: undefined },
    });
    this.sweepProgress.finish(report, this.clock.now());
    return report;
  }

  /** The plan for the caller's own force (`GET /retention/plan`): access-checked and limited to what it owns. */
  async planFor(ctx: RequestContext, asOf: string, options: { listLimit?: number } = {}): Promise<PlanReport> {
    await this.requireOwnForce(ctx);
    if (!isCalendarDate(asOf))
      throw new LedsError('REQUEST_INVALID', `\`${asOf}\` is not a date`, [{ field: 'asOf', message: 'YYYY-MM-DD' }]);
    return this.plan(ctx, asOf, {
      ...options,
      owningOrganisationId: ctx.organisation.id,
      hideProtected: !(await this.seesProtectedIdentities(ctx)),
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

  private async *batches(size: number | (() => number) = this.settings.sweepBatchSize) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const ids = await queryRows<{ person_id: string }>(
        this.db,
        sql`SELECT person_id FROM people WHERE person_id > ${after}::uuid ORDER BY person_id LIMIT ${typeof size === 'function' ? size() : size}`,
      );
      if (ids.length === 0) return;
      after = ids[ids.length - 1]?.person_id as string;
      yield await loadPersonFacts(
        this.db,
        ids.map((r) => r.person_id),
      );
    }
  }

  // ---- Deletion notices to forces ------------------------------------------------------------------------

  /** Marks unacknowledged notices past their date as chased again, at most once every noticeChaseDays. */
  async chaseOverdueNotices(): Promise<number> {
    const now = this.clock.now();
    const chaseBefore = new Date(now.getTime() - this.settings.noticeChaseDays * 86_400_000);
    const rows = await queryRows<{ id: string }>(
      this.db,
      sql`UPDATE deletion_notices SET chase_count = chase_count + 1, last_chased_at = ${now.toISOString()}::timestamptz
          WHERE acknowledged_at IS NULL AND due_by < ${isoDay(now)}::date
            AND (last_chased_at IS NULL OR last_chased_at <= ${chaseBefore.toISOString()}::timestamptz)
          RETURNING id`,
    );
    return rows.length;
  }

  /** The caller's organisation's notices: pending by default, newest first. */
  async noticesFor(ctx: RequestContext, options: { status?: 'PENDING' | 'ACKNOWLEDGED' | 'ALL'; limit?: number } = {}) {
    await this.access.require(ctx, 'deletion-notice.receive');
    const status = options.status ?? 'PENDING';
    const rows = await this.db
      .select()
      .from(deletionNotices)
      .where(
        and(
          eq(deletionNotices.owningOrganisationId, ctx.organisation.id),
          status === 'PENDING'
            ? isNull(deletionNotices.acknowledgedAt)
            : status === 'ACKNOWLEDGED'
              ? sql`${deletionNotices.acknowledgedAt} is not null`
              : undefined,
        ),
      )
      .orderBy(desc(deletionNotices.issuedAt))
      .limit(options.limit ?? 1000);
    const today = this.today();
    const notices = rows.map((n) => noticeView(n, today));
    await this.trail.record(ctx, {
      kind: 'DELETION_NOTICES_FETCHED',
      action: 'deletion-notice.receive',
      subjects: rows.map((n) => n.personId),
      details: { status, count: rows.length },
      shown: notices,
    });
    return notices;
  }

  async acknowledgeNotice(ctx: RequestContext, noticeId: string) {
    await this.access.require(ctx, 'deletion-notice.receive');
    if (!isUuid(noticeId)) throw new LedsError('RETENTION_NOTICE_NOT_FOUND', `no deletion notice ${noticeId}`);
    return this.db.transaction(async (tx) => {
      const [notice] = await tx
        .select()
        .from(deletionNotices)
        .where(and(eq(deletionNotices.id, noticeId), eq(deletionNotices.owningOrganisationId, ctx.organisation.id)));
      if (!notice)
        throw new LedsError('RETENTION_NOTICE_NOT_FOUND', `no deletion notice ${noticeId} for your organisation`);
      if (notice.acknowledgedAt) return noticeView(notice, this.today());
      const [updated] = await tx
        .update(deletionNotices)
        .set({ acknowledgedAt: this.clock.now(), acknowledgedBy: ctx.actor.name })
        .where(eq(deletionNotices.id, noticeId))
        .returning();
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_NOTICE_ACKNOWLEDGED',
          action: 'deletion-notice.receive',
          subjects: [notice.personId],
          details: { noticeId, sourceSystem: notice.sourceSystem, sourceRecordId: notice.sourceRecordId },
        },
      ]);
      return noticeView(updated as typeof notice, this.today());
    });
  }

  // ---- Instruments, reviews and disregards --------------------------------------------------------------

  /** The stored decision of an item: whose it is, what it is and the rule it is under. */
  private async decisionOf(ctx: RequestContext, itemId: string) {
    const [decision] = isUuid(itemId)
      ? await this.db.select().from(retentionDecisions).where(eq(retentionDecisions.itemId, itemId))
      : [];
    if (!decision) return this.refuseUnknown(ctx, itemNotFound(itemId));
    return decision;
  }

  /** Records an extension, consent, determination, court order, exceptional retention or hold, checked first. */
  async recordInstrument(
    ctx: RequestContext,
    input: {
      itemId?: string;
      personId?: string;
      kind: InstrumentKind;
      appliedOn?: string;
      madeOn: string;
      until?: string;
      madeBy: string;
      evidence: string;
      policingPurpose?: string;
    },
  ) {
    await this.requireOwnForce(ctx);
    const invalid = (field: string, message: string): never => {
      throw new LedsError('RETENTION_INSTRUMENT_INVALID', `${input.kind}: ${message}`, [{ field, message }]);
    };
    if (!instrumentKinds.includes(input.kind)) invalid('kind', `must be one of ${instrumentKinds.join(', ')}`);
    if (!input.evidence?.trim()) invalid('evidence', 'record the evidence (order, consent form, determination)');
    if (!input.madeBy?.trim()) invalid('madeBy', 'record who made it');
    for (const field of ['madeOn', 'appliedOn', 'until'] as const) {
      const value = input[field];
      if ((field === 'madeOn' || value) && !isCalendarDate(value ?? '')) invalid(field, 'must be a date, YYYY-MM-DD');
    }
    let personId: string;
    let decision: Awaited<ReturnType<RetentionService['decisionOf']>> | undefined;
    let owningOrganisationId: string;
    if (input.kind === 'LEGAL_HOLD' && !input.itemId) {
      if (!input.personId || !isUuid(input.personId)) return invalid('personId', 'name the person or the item held');
      personId = input.personId;
      // A hold on the whole person stops every force's deletions: it is the person record's owner's to make.
      owningOrganisationId = await this.personOwner(ctx, personId);
      await this.decideOrNotFound(ctx, { owningOrganisationId, personId }, () => personNotFound(personId));
    } else {
      if (!input.itemId) return invalid('itemId', 'name the item it applies to');
      const itemId = input.itemId;
      decision = await this.decisionOf(ctx, itemId);
      personId = decision.personId;
      owningOrganisationId = decision.owningOrganisationId;
      await this.decideOrNotFound(ctx, { owningOrganisationId, personId }, () => itemNotFound(itemId));
    }
    const itemKind = decision?.itemKind ?? null;
    switch (input.kind) {
      case 'DISTRICT_JUDGE_EXTENSION': {
        if (decision?.ruleId !== 'B4' && decision?.ruleId !== 'B5')
          invalid('itemId', 'a District Judge extends only the 3-year retention of B4 or B5 (PACE s63F(7))');
        const existing = await this.instrumentsOf(input.itemId as string, 'DISTRICT_JUDGE_EXTENSION');
        if (existing.length > 0)
          invalid('itemId', 'an extension was already granted; there is no further extension (s63F(10))');
        const facts = (await loadPersonFacts(this.db, [personId]))[0];
        const taken = facts?.biometrics.find((b) => b.id === input.itemId)?.takenOn;
        if (!taken) return invalid('itemId', 'only biometric material can be extended');
        const expiry = addYears(taken, 3);
        const applied = input.appliedOn ?? invalid('appliedOn', 'give the date the application was made');
        const windowOpens = extensionWindowOpens(expiry, this.settings);
        if (applied < windowOpens || applied > expiry)
          invalid(
            'appliedOn',
            `the application must be made in the 3 months before ${expiry} (CrimPR 47.35(2)(a)), from ${windowOpens}`,
          );
        input.until = addYears(expiry, 2);
        break;
      }
      case 'BIOMETRICS_COMMISSIONER_CONSENT':
        if (decision?.ruleId !== 'B5')
          invalid(
            'itemId',
            'the Commissioner consents only for B5 material (arrested for a qualifying offence, not charged)',
          );
        break;
      case 'NATIONAL_SECURITY_DETERMINATION': {
        if (itemKind !== 'BIOMETRIC_REFERENCE') invalid('itemId', 'a determination applies to fingerprints or DNA');
        const until = input.until ?? invalid('until', 'give the date the determination ends');
        const maximum = addYears(input.madeOn, this.settings.nsdMaxYears);
        if (until > maximum)
          invalid(
            'until',
            `a determination lasts at most ${this.settings.nsdMaxYears} years (LEDS_RETENTION_NSD_MAX_YEARS): until ${maximum} at the latest`,
          );
        break;
      }
      case 'EXCEPTIONAL_RETENTION':
        if (itemKind !== 'CUSTODY_IMAGE') invalid('itemId', 'exceptional retention applies to custody images');
        if (!input.policingPurpose?.trim())
          invalid('policingPurpose', 'record the policing purpose the image is kept for');
        break;
      case 'CPIA_ORDER':
        if (itemKind !== 'BIOMETRIC_REFERENCE') invalid('itemId', 'a CPIA order applies to a DNA sample');
        break;
      default:
        break;
    }
    if (input.until && input.until < input.madeOn) invalid('until', 'must not be before the date it was made');
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.insert(retentionInstruments).values({
        id,
        personId,
        itemId: input.itemId ?? null,
        owningOrganisationId,
        kind: input.kind,
        appliedOn: input.appliedOn ?? null,
        madeOn: input.madeOn,
        until: input.until ?? null,
        madeBy: input.madeBy,
        evidence: input.evidence,
        policingPurpose: input.policingPurpose ?? null,
        recordedBy: ctx.actor.name,
        recordedAt: this.clock.now(),
      });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'RETENTION_INSTRUMENT_RECORDED',
          action: 'retention.decide',
          subjects: [personId],
          details: {
            instrumentId: id,
            kind: input.kind,
            itemId: input.itemId ?? null,
            madeOn: input.madeOn,
            until: input.until ?? null,
          },
        },
      ]);
    });
    await this.reevaluate(ctx, [personId]);
    return { id, personId, ...input };
  }

  private instrumentsOf(itemId: string, kind: InstrumentKind) {
    return this.db
      .select()
      .from(retentionInstruments)
      .where(and(eq(retentionInstruments.itemId, itemId), eq(retentionInstruments.kind, kind)));
  }

  /** Ends an instrument: consent withdrawn, a hold lifted, a determination revoked. */
  async endInstrument(ctx: RequestContext, instrumentId: string, endedOn: string, reason: string) {
    await this.requireOwnForce(ctx);
    if (!reason?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', 'say why it ends', [{ field: 'reason', message: 'required' }]);
    if (!isCalendarDate(endedOn))
      throw new LedsError('RETENTION_INSTRUMENT_INVALID', `\`${endedOn}\` is not a date`, [
        { field: 'endedOn', message: 'must be a date, YYYY-MM-DD' },
      ]);
    const [instrument] = isUuid(instrumentId)
      ? await this.db.select().from(retentionInstruments).where(eq(retentionInstruments.id, instrumentId))
      : [];
    if (!instrument) return this.refuseUnknown(ctx, instrumentNotFound(instrumentId));
    await this.decideOrNotFound(ctx, instrument, () => instrumentNotFound(instrumentId));
    await this.db.transaction(async (tx) => {
      await tx.update(retentionInstruments).set({ endedOn }).where(eq(retentionInstruments.id, instrumentId));
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'RETENTION_INSTRUMENT_ENDED',
          action: 'retention.decide',
          subjects: [instrument.personId],
          reasons: [reason],
          details: { instrumentId, kind: instrument.kind, endedOn },
        },
      ]);
    });
    return this.reevaluate(ctx, [instrument.personId]);
  }

  /** A reviewer keeps an item (with a recorded reason, as the APP requires) or disposes of it, which destroys it. */
  async recordReview(ctx: RequestContext, input: { itemId: string; outcome: 'KEEP' | 'DISPOSE'; reason: string }) {
    await this.requireOwnForce(ctx);
    if (!input.reason?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', 'a review records its reason', [
        { field: 'reason', message: 'required' },
      ]);
    const decision = await this.decisionOf(ctx, input.itemId);
    await this.decideOrNotFound(ctx, decision, () => itemNotFound(input.itemId));
    await this.db.transaction(async (tx) => {
      await tx.insert(retentionReviews).values({
        id: randomUUID(),
        personId: decision.personId,
        itemId: input.itemId,
        itemKind: decision.itemKind,
        ruleId: decision.ruleId,
        reviewedOn: this.today(),
        outcome: input.outcome,
        reason: input.reason,
        reviewedBy: ctx.actor.name,
      });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'RETENTION_REVIEW_RECORDED',
          action: 'retention.decide',
          subjects: [decision.personId],
          reasons: [input.reason],
          details: {
            itemId: input.itemId,
            itemKind: decision.itemKind,
            outcome: input.outcome,
            ruleId: decision.ruleId,
          },
        },
      ]);
    });
    return this.reevaluate(ctx, [decision.personId]);
  }

  /** PoFA Part 5 Ch 4: deletes a conviction on the Secretary of State's direction (brief 5.4 P8, T22). */
  async disregardConviction(ctx: RequestContext, disposalId: string, direction: string) {
    await this.requireOwnForce(ctx);
    if (!direction?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', "cite the Secretary of State's direction", [
        { field: 'direction', message: 'required' },
      ]);
    const [disposal] = isUuid(disposalId)
      ? await this.db.select().from(disposals).where(eq(disposals.id, disposalId))
      : [];
    if (!disposal) return this.refuseUnknown(ctx, disposalNotFound(disposalId));
    await this.decideOrNotFound(ctx, disposal, () => disposalNotFound(disposalId));
    await this.db.insert(convictionDisregards).values({
      id: randomUUID(),
      personId: disposal.personId,
      arrestId: disposal.arrestId,
      disregardedOn: this.today(),
      direction,
      recordedBy: ctx.actor.name,
    });
    await this.destroy(
      ctx,
      [
        {
          personId: disposal.personId,
          itemKind: 'DISPOSAL',
          itemId: disposalId,
          ruleId: 'P8',
          reason: `disregarded conviction: ${direction}`,
        },
      ],
      ctx.actor.name,
    );
    return this.reevaluate(ctx, [disposal.personId]);
  }

  // ---- Applications for deletion -------------------------------------------------------------------------

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
      ? (await this.arrestsVisibleTo(ctx, (asn as { value: string }).value, { ownForce: true }))[0]
      : undefined;
    const receivedOn = this.today();
    const id = randomUUID();
    const reference = `DEL-${receivedOn.slice(0, 4)}-${id.slice(0, 8).toUpperCase()}`;
    const by = ctx ?? publicContext();
    await this.db.transaction(async (tx) => {
      await tx.insert(deletionApplications).values({
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
    if (arrest) await this.reevaluate(by, [arrest.personId]);
    return {
      id,
      reference,
      owningOrganisationId: arrest?.org ?? null,
      status: arrest ? 'RECEIVED' : 'UNMATCHED',
      targetDate: addDays(receivedOn, this.settings.applicationTargetDays),
    };
  }

  /**
   * Arrests with this arrest/summons number the caller may see: not a protected identity's unless the caller holds
   * the named role; with `ownForce`, only the caller's force's.
   */
  private async arrestsVisibleTo(ctx: RequestContext, asn: string, options: { ownForce?: boolean } = {}) {
    const rows = await this.db
      .select({ id: arrests.id, personId: arrests.personId, org: arrests.owningOrganisationId })
      .from(arrests)
      .where(
        and(eq(arrests.asn, asn), options.ownForce ? eq(arrests.owningOrganisationId, ctx.organisation.id) : undefined),
      )
      .orderBy(asc(arrests.occurredAt))
      .limit(10);
    if (await this.seesProtectedIdentities(ctx)) return rows;
    const hidden = await protectedIdentitiesAmong(
      this.db,
      rows.map((r) => r.personId),
    );
    return rows.filter((r) => !hidden.has(r.personId));
  }

  /** Which of these arrest/summons numbers name an arrest the caller's own force holds (and the caller may see). */
  private async ownForceArrests(ctx: RequestContext, asns: string[]): Promise<Set<string>> {
    const named = new Set<string>();
    for (const asn of new Set(asns))
      if ((await this.arrestsVisibleTo(ctx, asn, { ownForce: true })).length) named.add(asn);
    return named;
  }

  /**
   * Staff find the arrest an unmatched application meant (a mistyped number, an event under another force's
   * number) and match it; the application then waits for a decision and the record goes before a reviewer.
   */
  async matchApplication(ctx: RequestContext, applicationId: string, eventReference: string) {
    await this.access.require(ctx, 'deletion-application.match');
    const application = await this.loadApplication(ctx, applicationId);
    if (application.status !== 'UNMATCHED')
      throw new LedsError('RETENTION_APPLICATION_STATE', `application ${application.reference} is already matched`);
    const asn = parseAsn(eventReference ?? '');
    if (!asn.ok)
      throw new LedsError('REQUEST_INVALID', `the arrest/summons number ${asn.reason}`, [
        { field: 'eventReference', message: `the arrest/summons number ${asn.reason}` },
      ]);
    const [arrest] = await this.arrestsVisibleTo(ctx, asn.value);
    if (!arrest)
      throw new LedsError('REQUEST_INVALID', `LEDS holds no arrest ${asn.value} that you can see`, [
        { field: 'eventReference', message: 'no arrest or event with this number' },
      ]);
    await this.db.transaction(async (tx) => {
      await tx
        .update(deletionApplications)
        .set({
          status: 'RECEIVED',
          personId: arrest.personId,
          arrestId: arrest.id,
          owningOrganisationId: arrest.org,
          eventReference: asn.value,
        })
        .where(eq(deletionApplications.id, applicationId));
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_APPLICATION_MATCHED',
          action: 'retention.decide',
          subjects: [arrest.personId],
          details: { applicationId, reference: application.reference, eventReference: asn.value },
        },
      ]);
    });
    await this.reevaluate(ctx, [arrest.personId]);
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
    await this.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.requireForApplication(ctx, application);
    if (application.status !== 'RECEIVED' || !application.personId || !application.arrestId)
      throw new LedsError(
        'RETENTION_APPLICATION_STATE',
        `application ${application.reference} is ${application.status}`,
      );
    if (!input.reasons?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', 'a decision gives its reasons', [
        { field: 'reasons', message: 'required' },
      ]);
    const decidedOn = this.today();
    const images = await queryRows<{ item_id: string; rule_id: string; owner: string }>(
      this.db,
      sql`SELECT d.item_id, d.rule_id, d.owning_organisation_id AS owner FROM retention_decisions d JOIN custody_images i ON i.id = d.item_id
          WHERE i.arrest_id = ${application.arrestId}::uuid`,
    );
    const unconvicted = images.filter((i) => i.rule_id === 'C1' || i.rule_id === 'C2' || i.rule_id === 'C9');
    if (input.decision === 'REFUSED' && unconvicted.length > 0) {
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
    await this.db.transaction(async (tx) => {
      await tx
        .update(deletionApplications)
        .set({
          status: input.decision,
          decidedOn,
          decidedBy: ctx.actor.name,
          decisionReasons: input.reasons,
          policingPurpose: input.policingPurpose ?? null,
          exceptionalReason: input.exceptionalReason ?? null,
        })
        .where(eq(deletionApplications.id, applicationId));
      if (input.decision === 'REFUSED') {
        for (const image of unconvicted) {
          await tx.insert(retentionInstruments).values({
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
          reasons: [input.reasons],
          details: {
            applicationId,
            decision: input.decision,
            images: images.length,
            policingPurpose: input.policingPurpose ?? null,
          },
        },
      ]);
    });
    await this.reevaluate(ctx, [application.personId]);
    return this.applicationOutcome(applicationId);
  }

  /** The applicant has been told the outcome (the letter or email sent). */
  async recordApplicantTold(ctx: RequestContext, applicationId: string) {
    await this.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.requireForApplication(ctx, application);
    if (application.status !== 'GRANTED' && application.status !== 'REFUSED')
      throw new LedsError('RETENTION_APPLICATION_STATE', 'tell the applicant once the application is decided');
    await this.db.transaction(async (tx) => {
      await tx
        .update(deletionApplications)
        .set({ applicantToldOn: this.today() })
        .where(eq(deletionApplications.id, applicationId));
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
    await this.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.requireForApplication(ctx, application);
    if (application.status !== 'REFUSED')
      throw new LedsError('RETENTION_APPLICATION_STATE', 'only a refusal can be appealed');
    const today = this.today();
    let change: Partial<typeof deletionApplications.$inferInsert>;
    if (!input.outcome) {
      if (application.appealStatus !== 'NONE')
        throw new LedsError('RETENTION_APPLICATION_STATE', `the appeal is already ${application.appealStatus}`);
      if (!input.grounds?.trim())
        throw new LedsError('RETENTION_REASON_REQUIRED', 'give the grounds of appeal', [
          { field: 'grounds', message: 'required' },
        ]);
      change = { appealStatus: 'LODGED', appealGrounds: input.grounds, appealLodgedOn: today };
    } else {
      if (application.appealStatus !== 'LODGED')
        throw new LedsError('RETENTION_APPLICATION_STATE', 'no appeal has been lodged');
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
      await tx.update(deletionApplications).set(change).where(eq(deletionApplications.id, applicationId));
      // An upheld appeal ends the exceptional retention the refusal recorded on the images of this arrest (not
      // another event's); the re-decision then deletes.
      if (input.outcome === 'UPHELD' && application.personId && application.arrestId) {
        await tx
          .update(retentionInstruments)
          .set({ endedOn: today })
          .where(
            and(
              eq(retentionInstruments.personId, application.personId),
              eq(retentionInstruments.kind, 'EXCEPTIONAL_RETENTION'),
              isNull(retentionInstruments.endedOn),
              sql`${retentionInstruments.itemId} IN (SELECT id FROM custody_images WHERE arrest_id = ${application.arrestId}::uuid)`,
            ),
          );
      }
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_APPLICATION_APPEALED',
          action: 'retention.decide',
          subjects: application.personId ? [application.personId] : [],
          reasons: input.reasons ? [input.reasons] : [],
          details: { applicationId, outcome: input.outcome ?? 'LODGED' },
        },
      ]);
    });
    if (application.personId) await this.reevaluate(ctx, [application.personId]);
    return this.applicationOutcome(applicationId);
  }

  /** One application as the deciding officer sees it: access-checked and audited, since it names the applicant. */
  async applicationFor(ctx: RequestContext, applicationId: string) {
    await this.requireOwnForce(ctx);
    const application = await this.loadApplication(ctx, applicationId);
    await this.requireForApplication(ctx, application);
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
  private async loadApplication(ctx: RequestContext, applicationId: string) {
    try {
      return await this.application(applicationId);
    } catch (error) {
      if (error instanceof LedsError && error.code === 'RETENTION_APPLICATION_NOT_FOUND')
        return this.refuseUnknown(ctx, error);
      throw error;
    }
  }

  /**
   * What an action on an application answers: where it stands, without the applicant's name, date of birth,
   * contact or grounds. SECURITY: those are read only by applicationFor, which audits the reading; an action's
   * answer is not a read of them.
   */
  private async applicationOutcome(applicationId: string) {
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

  private async application(applicationId: string) {
    const [application] = isUuid(applicationId)
      ? await this.db.select().from(deletionApplications).where(eq(deletionApplications.id, applicationId))
      : [];
    if (!application) throw applicationNotFound(applicationId);
    return { ...application, overdue: application.decidedOn === null && application.targetDate < this.today() };
  }

  // ---- What officers and the public see -----------------------------------------------------------------

  /** One person's retention: each item's rule, next action and date, with instruments, reviews and tombstones. */
  async personRetention(ctx: RequestContext, personId: string) {
    await this.requireOwnForce(ctx, 'retention.review');
    const notFound = () => personNotFound(personId);
    if (!isUuid(personId)) return this.refuseUnknown(ctx, notFound(), 'retention.review');
    // SECURITY: a force's retention officer sees the whole record's retention when their force owns part of it
    // (a review weighs the other forces' events too), and acts only on what their force owns. Any other force, and
    // an owning force's officer without the protected identity role for a protected person, is answered exactly as
    // for a person LEDS does not hold: decided from who owns what before anything else is read, so that a refusal
    // costs what an unknown id costs, and writes the same one entry.
    const [protectedIdentity, owned] = await Promise.all([
      isProtectedIdentity(this.db, personId),
      queryRows<{ owner: string }>(
        this.db,
        sql`SELECT owning_organisation_id::text AS owner FROM retention_decisions WHERE person_id = ${personId}::uuid
            UNION SELECT owning_organisation_id::text FROM record_tombstones WHERE person_id = ${personId}::uuid
            UNION SELECT owning_organisation_id::text FROM retention_instruments WHERE person_id = ${personId}::uuid`,
      ),
    ]);
    const owners = owned.map((r) => r.owner);
    if (owners.length === 0) return this.refuseUnknown(ctx, notFound(), 'retention.review');
    const mayReview = await Promise.all(
      owners.map(
        async (owner) =>
          (await this.access.decide(ctx, 'retention.review', { owningOrganisationId: owner, protectedIdentity }))
            .allowed,
      ),
    );
    if (!mayReview.includes(true))
      await this.decideOrNotFound(
        ctx,
        { owningOrganisationId: owners[0] as string, personId },
        notFound,
        'retention.review',
      );
    const [decisions, instruments, reviews, tombstones, applications] = await Promise.all([
      this.db
        .select()
        .from(retentionDecisions)
        .where(eq(retentionDecisions.personId, personId))
        .orderBy(asc(retentionDecisions.itemKind), asc(retentionDecisions.dueOn)),
      this.db
        .select()
        .from(retentionInstruments)
        .where(eq(retentionInstruments.personId, personId))
        .orderBy(desc(retentionInstruments.recordedAt)),
      this.db
        .select()
        .from(retentionReviews)
        .where(eq(retentionReviews.personId, personId))
        .orderBy(desc(retentionReviews.reviewedOn)),
      this.db
        .select()
        .from(recordTombstones)
        .where(eq(recordTombstones.personId, personId))
        .orderBy(desc(recordTombstones.deletedAt)),
      this.db.select().from(deletionApplications).where(eq(deletionApplications.personId, personId)),
    ]);
    const mayDecide = new Map<string, boolean>();
    for (const owner of owners)
      mayDecide.set(
        owner,
        (await this.access.decide(ctx, 'retention.decide', { owningOrganisationId: owner, protectedIdentity })).allowed,
      );
    const forces = new Map(
      (
        await queryRows<{ id: string; code: string }>(
          this.db,
          sql`SELECT id, code FROM organisations WHERE id = ANY(${`{${owners.join(',')}}`}::uuid[])`,
        )
      ).map((o) => [o.id, o.code]),
    );
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

  /**
   * The retention officer's desk for their own force: what is due, holds, applications (with the unmatched ones
   * any police force may match) and the force's overdue notices.
   */
  async overview(ctx: RequestContext, options: { limit?: number } = {}) {
    await this.requireOwnForce(ctx);
    const org = ctx.organisation.id;
    const mayMatch = (await this.access.decide(ctx, 'deletion-application.match')).allowed;
    const today = this.today();
    const limit = options.limit ?? 100;
    // SECURITY: a protected identity's items, holds, applications and notices are neither listed nor counted for
    // an officer without the named role: the desk reads as if the person did not exist.
    const hideProtected = !(await this.seesProtectedIdentities(ctx));
    const notProtected = (personId: string) =>
      hideProtected
        ? sql.raw(`NOT EXISTS (SELECT 1 FROM people p WHERE p.person_id = ${personId} AND p.protected_identity)`)
        : sql.raw('true');
    const [due, holds, applications, overdueNotices, counts] = await Promise.all([
      this.db
        .select()
        .from(retentionDecisions)
        .where(
          and(
            eq(retentionDecisions.owningOrganisationId, org),
            inArray(retentionDecisions.action, ['REVIEW', 'DESTROY']),
            lte(retentionDecisions.dueOn, today),
            notProtected('retention_decisions.person_id'),
          ),
        )
        .orderBy(asc(retentionDecisions.dueOn))
        .limit(limit),
      this.db
        .select()
        .from(retentionInstruments)
        .where(
          and(
            eq(retentionInstruments.owningOrganisationId, org),
            inArray(retentionInstruments.kind, [
              'LEGAL_HOLD',
              'NATIONAL_SECURITY_DETERMINATION',
              'EXCEPTIONAL_RETENTION',
            ]),
            sql`(${retentionInstruments.endedOn} is null or ${retentionInstruments.endedOn} > ${today}::date)`,
            notProtected('retention_instruments.person_id'),
          ),
        )
        .orderBy(desc(retentionInstruments.recordedAt))
        .limit(limit),
      this.db
        .select()
        .from(deletionApplications)
        .where(
          and(
            or(
              and(eq(deletionApplications.owningOrganisationId, org), eq(deletionApplications.status, 'RECEIVED')),
              mayMatch ? eq(deletionApplications.status, 'UNMATCHED') : undefined,
            ),
            notProtected('deletion_applications.person_id'),
          ),
        )
        .orderBy(asc(deletionApplications.targetDate))
        .limit(limit),
      this.db
        .select()
        .from(deletionNotices)
        .where(
          and(
            eq(deletionNotices.owningOrganisationId, org),
            isNull(deletionNotices.acknowledgedAt),
            sql`${deletionNotices.dueBy} < ${today}::date`,
            notProtected('deletion_notices.person_id'),
          ),
        )
        .orderBy(asc(deletionNotices.dueBy))
        .limit(limit),
      queryRows<{ reviews_due: number; destructions_due: number; pending_notices: number }>(
        this.db,
        sql`SELECT (SELECT count(*)::int FROM retention_decisions d WHERE owning_organisation_id = ${org}::uuid AND action = 'REVIEW' AND due_on <= ${today}::date AND ${notProtected('d.person_id')}) AS reviews_due,
                   (SELECT count(*)::int FROM retention_decisions d WHERE owning_organisation_id = ${org}::uuid AND action = 'DESTROY' AND due_on <= ${today}::date AND ${notProtected('d.person_id')}) AS destructions_due,
                   (SELECT count(*)::int FROM deletion_notices n WHERE owning_organisation_id = ${org}::uuid AND acknowledged_at IS NULL AND ${notProtected('n.person_id')}) AS pending_notices`,
      ),
    ]);
    // Staff match unmatched applications (the public form looks nothing up): say which name an arrest this force holds.
    const ownArrests = await this.ownForceArrests(
      ctx,
      applications.filter((a) => a.status === 'UNMATCHED').map((a) => a.eventReference),
    );
    const desk = {
      today,
      counts: counts[0] ?? { reviews_due: 0, destructions_due: 0, pending_notices: 0 },
      due: due.map((d) => ({ ...d, rule: this.rules.rule(d.ruleId)?.title ?? d.ruleId })),
      holds,
      applications: applications.map((a) => ({
        ...a,
        overdue: a.targetDate < today,
        namesOwnForcesArrest: a.status === 'UNMATCHED' && ownArrests.has(a.eventReference),
      })),
      overdueNotices: overdueNotices.map((n) => noticeView(n, today)),
    };
    // The desk names people and applicants: it is a read of person data and is audited like one.
    const people = [...due, ...holds, ...applications, ...overdueNotices].map((r) => r.personId);
    await this.trail.record(ctx, {
      kind: 'RETENTION_DECISIONS_VIEWED',
      action: 'retention.decide',
      subjects: people.filter((id): id is string => !!id),
      details: { view: 'retention desk', due: due.length, applications: applications.length },
      shown: desk,
    });
    return desk;
  }

  /** Published figures: counts only, never rows (brief 4.3; issue 5 item 7). */
  async figures() {
    const [images, deletions, applications] = await Promise.all([
      queryRows<{ status: string; count: number }>(
        this.db,
        sql`SELECT CASE WHEN rule_id IN ('C3', 'C4', 'C5') THEN 'CONVICTED'
                        WHEN rule_id = 'C9' AND action = 'KEEP' THEN 'AWAITING_OUTCOME'
                        WHEN held THEN 'UNDER_LEGAL_HOLD'
                        ELSE 'NOT_CONVICTED' END AS status, count(*)::int AS count
            FROM retention_decisions WHERE item_kind = 'CUSTODY_IMAGE' GROUP BY 1 ORDER BY 1`,
      ),
      queryRows<{ month: string; rule_id: string; count: number }>(
        this.db,
        sql`SELECT to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, rule_id, count(*)::int AS count
            FROM record_tombstones GROUP BY 1, 2 ORDER BY 1 DESC, 2 LIMIT 600`,
      ),
      queryRows<{ received: number; granted: number; refused: number; overdue: number; appeals: number }>(
        this.db,
        sql`SELECT count(*)::int AS received,
                   count(*) FILTER (WHERE status = 'GRANTED')::int AS granted,
                   count(*) FILTER (WHERE status = 'REFUSED')::int AS refused,
                   count(*) FILTER (WHERE decided_on IS NULL AND target_date < ${this.today()}::date)::int AS overdue,
                   count(*) FILTER (WHERE appeal_status <> 'NONE')::int AS appeals
            FROM deletion_applications`,
      ),
    ]);
    return {
      ruleSetVersion: this.rules.version,
      custodyImagesHeld: images,
      deletionsByMonth: deletions,
      applications: applications[0] ?? { received: 0, granted: 0, refused: 0, overdue: 0, appeals: 0 },
    };
  }

  /** Pending notices of an organisation as CSV rows, for a force's local deletion run. */
  static noticesCsv(notices: ReturnType<typeof noticeView>[]): string {
    const header = [
      'notice_id',
      'source_system',
      'source_record_id',
      'record_kind',
      'leds_record_id',
      'rule',
      'issued_at',
      'due_by',
      'overdue',
      'acknowledged_at',
    ];
    const cell = (v: unknown) => {
      const text = v === null || v === undefined ? '' : String(v);
      // A leading = + - @ would be read as a formula by a spreadsheet.
      const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
      return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
    };
    const lines = notices.map((n) =>
      [
        n.id,
        n.sourceSystem,
        n.sourceRecordId,
        n.recordKind,
        n.recordId,
        n.ruleId,
        n.issuedAt.toISOString(),
        n.dueBy,
        n.overdue,
        n.acknowledgedAt?.toISOString() ?? '',
      ]
        .map(cell)
        .join(','),
    );
    return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
  }
}

/**
 * A deletion notice as its force receives it. SECURITY: it names the force's own deleted record by its source ids
 * and never the LEDS person it was part of: that person may be one the force may not see (a record its force
 * review linked to a protected identity), and a person id present for some notices and not others would say so.
 */
function noticeView({ personId: _person, ...n }: typeof deletionNotices.$inferSelect, today: string) {
  return { ...n, overdue: n.acknowledgedAt === null && n.dueBy < today };
}

// What an unknown id is answered; a caller who may not see what an id names gets exactly the same.
const personNotFound = (personId: string) =>
  new LedsError('RETENTION_ITEM_NOT_FOUND', `LEDS holds no retention for person \`${personId}\``, [
    { field: 'personId', message: 'no such person' },
  ]);
const itemNotFound = (itemId: string) =>
  new LedsError('RETENTION_ITEM_NOT_FOUND', `LEDS holds no retained item \`${itemId}\``, [
    { field: 'itemId', message: 'no such item' },
  ]);
const disposalNotFound = (disposalId: string) =>
  new LedsError('RETENTION_ITEM_NOT_FOUND', `no disposal \`${disposalId}\``, [
    { field: 'disposalId', message: 'no such disposal' },
  ]);
const instrumentNotFound = (instrumentId: string) =>
  new LedsError('RETENTION_INSTRUMENT_NOT_FOUND', `no instrument \`${instrumentId}\``);
const applicationNotFound = (applicationId: string) =>
  new LedsError('RETENTION_APPLICATION_NOT_FOUND', `no application \`${applicationId}\``);

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
