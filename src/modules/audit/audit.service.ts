import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, arrayContains, desc, eq, gte, inArray, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { AuditSettings } from '../../config/config.ts';
import { type Clock, isCalendarDate } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { operatorContext, type RequestContext } from '../../platform/request-context.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import type { AccessDecisions } from '../access/index.ts';
import { auditCases, auditEntries, auditLegalHolds, auditVaultContent, auditVaultKeys } from './audit.tables.ts';
import type { AuditEntryBody } from './audit.types.ts';
import { type AuditLog, periodOf, type StoredCheckpoint, unseal } from './audit-log.ts';
import type { AuditTrail } from './audit-trail.ts';
import type { CheckpointSigner } from './signed-checkpoint.ts';

export interface AuditCase {
  id: string;
  reference: string;
  reason: string;
  openedAt: Date;
  closedAt: Date | null;
}

export interface AuditSearch {
  personId?: string;
  actorId?: string;
  organisationCode?: string;
  purpose?: string;
  kind?: string;
  outcome?: string;
  from?: string;
  to?: string;
  /** Entries before this leaf index, for the next page. */
  before?: number;
  limit?: number;
}

export interface AuditEntrySummary {
  seq: number;
  recordedAt: string;
  kind: string;
  action: string;
  outcome: string;
  actorName: string;
  organisationCode: string | null;
  purpose: string | null;
  caseReference: string | null;
  channel: string;
  subjects: string[];
}

export interface AuditEntryDetail {
  entry: AuditEntryBody;
  leafHash: string;
  /** The inclusion proof against the newest checkpoint that covers the entry, or the log as it stands. */
  proof: { treeSize: number; rootHash: string; hashes: string[]; checkpoint: string | null };
  /** What the user was shown, from the audit vault. */
  shown:
    | { state: 'kept'; content: unknown; matchesEntry: boolean }
    | { state: 'destroyed' | 'not-recorded'; content: null; matchesEntry: null };
}

export interface AuditPatterns {
  from: string;
  to: string;
  unusualVolumes: { actorId: string; actorName: string; day: string; actions: number; usualPerDay: number }[];
  ownNameOrAddress: {
    seq: number;
    actorName: string;
    recordedAt: string;
    match: 'SURNAME' | 'POSTCODE';
    value: string;
  }[];
  outOfHours: { actorId: string; actorName: string; actions: number; first: string; last: string }[];
  repeatedDenials: { actorId: string; actorName: string; day: string; denials: number }[];
}

export interface MonthlyAuditFigure {
  month: string;
  organisationKind: string;
  action: string;
  purpose: string;
  count: number;
}

const toSummary = (row: typeof auditEntries.$inferSelect): AuditEntrySummary => ({
  seq: row.seq,
  recordedAt: new Date(row.recordedAt).toISOString(),
  kind: row.kind,
  action: row.action,
  outcome: row.outcome,
  actorName: row.actorName,
  organisationCode: row.organisationCode,
  purpose: row.purpose,
  caseReference: row.caseReference,
  channel: row.channel,
  subjects: row.subjectIds,
});

const day = 86_400_000;

/**
 * The audit product: auditors' cases, searches and entries with proofs and what users saw; the patterns that
 * help them; the public checkpoint, proofs and monthly figures; and the audit vault's retention and legal holds.
 * Every auditor action is itself audited.
 */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly log: AuditLog,
    private readonly trail: AuditTrail,
    private readonly decisions: AccessDecisions,
    private readonly signer: CheckpointSigner,
    private readonly clock: Clock,
    private readonly settings: AuditSettings,
  ) {}

  get origin(): string {
    return this.settings.origin;
  }

  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  // ---- auditors' cases -------------------------------------------------------------------------------------

  async openCase(ctx: RequestContext, reason: string): Promise<AuditCase> {
    await this.decisions.require(ctx, 'audit-case.open');
    const trimmed = reason.trim();
    if (trimmed.length < 10)
      throw new LedsError('REQUEST_INVALID', 'say why the audit is needed', [
        { field: 'reason', message: 'must be at least 10 characters' },
      ]);
    const now = this.clock.now();
    const auditCase = {
      id: randomUUID(),
      reference: `AUD-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex').toUpperCase()}`,
      auditorId: ctx.actor.id,
      organisationId: ctx.organisation.id,
      reason: trimmed,
      openedAt: now,
      closedAt: null,
    };
    await this.db.transaction(async (tx) => {
      await tx.insert(auditCases).values(auditCase);
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'AUDIT_CASE_OPENED',
          action: 'audit-case.open',
          details: { reference: auditCase.reference, reason: trimmed },
        },
      ]);
    });
    return auditCase;
  }

  async listCases(ctx: RequestContext): Promise<AuditCase[]> {
    await this.decisions.require(ctx, 'audit-case.open');
    return this.db
      .select()
      .from(auditCases)
      .where(eq(auditCases.auditorId, ctx.actor.id))
      .orderBy(desc(auditCases.openedAt));
  }

  async closeCase(ctx: RequestContext, reference: string): Promise<void> {
    await this.decisions.require(ctx, 'audit-case.open');
    await this.db.transaction(async (tx) => {
      const closed = await tx
        .update(auditCases)
        .set({ closedAt: this.clock.now() })
        .where(
          and(eq(auditCases.reference, reference), eq(auditCases.auditorId, ctx.actor.id), isNull(auditCases.closedAt)),
        )
        .returning({ id: auditCases.id });
      if (closed.length === 0) throw new LedsError('AUDIT_CASE_REQUIRED', `no open audit case \`${reference}\``);
      await this.trail.recordWithin(tx as Database, ctx, [
        { kind: 'AUDIT_CASE_CLOSED', action: 'audit-case.open', details: { reference } },
      ]);
    });
  }

  /**
   * SECURITY: nothing from the log is shown unless the caller is an auditor, declared the AUDIT purpose, and
   * names an audit case of their own that is still open. A refusal is itself audited.
   */
  private async requireOpenCase(ctx: RequestContext): Promise<void> {
    try {
      // An auditor without a case is sent to open one; anyone else is simply refused.
      await this.decisions.require(ctx, 'audit-case.open');
      const [open] =
        ctx.purpose === 'AUDIT' && ctx.caseReference
          ? await this.db
              .select({ id: auditCases.id })
              .from(auditCases)
              .where(
                and(
                  eq(auditCases.reference, ctx.caseReference),
                  eq(auditCases.auditorId, ctx.actor.id),
                  isNull(auditCases.closedAt),
                ),
              )
          : [];
      if (!open)
        throw new LedsError(
          'AUDIT_CASE_REQUIRED',
          'declare the AUDIT purpose with the reference of an audit case you have open',
        );
      await this.decisions.require(ctx, 'audit.search');
    } catch (error) {
      if (error instanceof LedsError)
        await this.trail.record(ctx, {
          kind: 'ACCESS_REFUSED',
          action: 'audit.search',
          outcome: 'DENIED',
          reasons: [error.code],
        });
      throw error;
    }
  }

  // ---- searching the log -----------------------------------------------------------------------------------

  async searchEntries(ctx: RequestContext, search: AuditSearch): Promise<AuditEntrySummary[]> {
    await this.requireOpenCase(ctx);
    const where: SQL[] = [];
    if (search.personId) {
      if (!isUuid(search.personId))
        throw new LedsError('REQUEST_INVALID', `\`${search.personId}\` is not a person id`, [
          { field: 'personId', message: 'must be a UUID' },
        ]);
      where.push(arrayContains(auditEntries.subjectIds, [search.personId.toLowerCase()]));
    }
    if (search.actorId) where.push(eq(auditEntries.actorId, search.actorId));
    if (search.organisationCode) where.push(eq(auditEntries.organisationCode, search.organisationCode));
    if (search.purpose) where.push(eq(auditEntries.purpose, search.purpose));
    if (search.kind) where.push(eq(auditEntries.kind, search.kind));
    if (search.outcome) where.push(eq(auditEntries.outcome, search.outcome));
    if (search.from) where.push(gte(auditEntries.recordedAt, this.date(search.from, 'from')));
    if (search.to) where.push(lt(auditEntries.recordedAt, new Date(this.date(search.to, 'to').getTime() + day)));
    if (search.before !== undefined) where.push(lt(auditEntries.seq, search.before));
    const rows = await this.db
      .select()
      .from(auditEntries)
      .where(and(...where))
      .orderBy(desc(auditEntries.seq))
      .limit(Math.min(search.limit ?? 50, 500));
    const found = rows.map(toSummary);
    await this.trail.record(ctx, {
      kind: 'AUDIT_SEARCHED',
      action: 'audit.search',
      subjects: search.personId ? [search.personId] : [],
      details: { criteria: { ...search }, entriesReturned: found.map((e) => e.seq) },
    });
    return found;
  }

  private date(value: string, field: string): Date {
    if (!isCalendarDate(value))
      throw new LedsError('REQUEST_INVALID', `\`${value}\` is not a date`, [
        { field, message: 'must be a date like 2026-11-01' },
      ]);
    return new Date(`${value}T00:00:00Z`);
  }

  /** One entry: what it records, its inclusion proof, and what the user was shown (while the vault keeps it). */
  async entry(ctx: RequestContext, seq: number): Promise<AuditEntryDetail> {
    await this.requireOpenCase(ctx);
    const [row] = await this.db.select().from(auditEntries).where(eq(auditEntries.seq, seq));
    if (!row) throw new LedsError('AUDIT_ENTRY_NOT_FOUND', `no audit entry ${seq}`);
    const entry = JSON.parse(row.entry) as AuditEntryBody;
    const checkpoint = await this.log.latestCheckpoint();
    const treeSize = checkpoint && checkpoint.treeSize > seq ? checkpoint.treeSize : await this.log.size();
    const proof = await this.log.inclusionProof(seq, treeSize);
    const content = entry.shown ? await this.log.shownContent(seq) : undefined;
    const detail: AuditEntryDetail = {
      entry,
      leafHash: proof.leafHash.toString('base64'),
      proof: {
        treeSize,
        rootHash: proof.root.toString('base64'),
        hashes: proof.proof.map((h) => h.toString('base64')),
        checkpoint: checkpoint && checkpoint.treeSize === treeSize ? checkpoint.note : null,
      },
      shown: content
        ? {
            state: 'kept',
            content: JSON.parse(content.toString('utf8')),
            matchesEntry: createHash('sha256').update(content).digest('hex') === entry.shown?.sha256,
          }
        : { state: entry.shown ? 'destroyed' : 'not-recorded', content: null, matchesEntry: null },
    };
    await this.trail.record(ctx, {
      kind: 'AUDIT_ENTRY_VIEWED',
      action: 'audit.search',
      subjects: entry.subjects,
      details: { seq, shown: detail.shown.state },
    });
    return detail;
  }

  // ---- patterns --------------------------------------------------------------------------------------------

  /** Reports that point auditors at use worth a look. Each is a query over the log between two dates. */
  async patterns(ctx: RequestContext, range: { from?: string; to?: string } = {}): Promise<AuditPatterns> {
    await this.requireOpenCase(ctx);
    const to = range.to ? this.date(range.to, 'to') : new Date(this.clock.now().toISOString().slice(0, 10));
    const from = range.from ? this.date(range.from, 'from') : new Date(to.getTime() - 30 * day);
    const end = new Date(to.getTime() + day);
    const { timeZone, from: openHour, to: closeHour } = this.settings.workingHours;
    const users = sql`actor_kind = 'user' and recorded_at >= ${from.toISOString()}::timestamptz and recorded_at < ${end.toISOString()}::timestamptz`;

    const unusual = await queryRows<{
      actor_id: string;
      actor_name: string;
      day: string;
      actions: number;
      usual: number;
    }>(
      this.db,
      sql`
      with daily as (
        select actor_id, max(actor_name) as actor_name, (recorded_at at time zone ${timeZone})::date as day, count(*)::int as actions
        from audit_entries where ${users} and kind in ('SEARCH_PERFORMED', 'PERSON_VIEWED', 'PERSON_SECTION_VIEWED', 'CUSTODY_IMAGE_VIEWED')
        group by actor_id, day
      ), usual as (
        select actor_id, percentile_cont(0.5) within group (order by actions) as usual from daily group by actor_id
      )
      select d.actor_id, d.actor_name, d.day::text as day, d.actions, round(u.usual)::int as usual
      from daily d join usual u using (actor_id)
      where d.actions >= ${this.settings.unusualVolumeFactor} * greatest(u.usual, 1) and d.actions >= 10
      order by d.actions desc limit 100`,
    );

    // A user's own surname among the names they searched, or their own postcode among the people they viewed.
    // A reporting read across modules (users, person_addresses): joined in SQL because it runs over the whole log.
    const own = await queryRows<{
      seq: string;
      actor_name: string;
      recorded_at: string;
      match: 'SURNAME' | 'POSTCODE';
      value: string;
    }>(
      this.db,
      sql`
      select e.seq::text as seq, e.actor_name, e.recorded_at::text as recorded_at, 'SURNAME' as match,
             lower(e.entry::jsonb -> 'details' -> 'criteria' ->> 'surname') as value
      from audit_entries e join users u on u.id::text = e.actor_id
      where ${users} and e.kind = 'SEARCH_PERFORMED'
        and lower(e.entry::jsonb -> 'details' -> 'criteria' ->> 'surname') = lower(split_part(u.display_name, ' ', array_length(string_to_array(u.display_name, ' '), 1)))
      union all
      select e.seq::text, e.actor_name, e.recorded_at::text, 'POSTCODE', upper(a.postcode)
      from audit_entries e join users u on u.id::text = e.actor_id and u.home_postcode is not null
      join person_addresses a on a.person_id = any (e.subject_ids) and upper(replace(a.postcode, ' ', '')) = upper(replace(u.home_postcode, ' ', ''))
      where ${users} and e.kind in ('PERSON_VIEWED', 'PERSON_SECTION_VIEWED')
      order by seq desc limit 100`,
    );

    const outOfHours = await queryRows<{
      actor_id: string;
      actor_name: string;
      actions: number;
      first: string;
      last: string;
    }>(
      this.db,
      sql`
      select actor_id, max(actor_name) as actor_name, count(*)::int as actions, min(recorded_at)::text as first, max(recorded_at)::text as last
      from audit_entries
      where ${users} and (extract(hour from recorded_at at time zone ${timeZone}) < ${openHour}
        or extract(hour from recorded_at at time zone ${timeZone}) >= ${closeHour}
        or extract(isodow from recorded_at at time zone ${timeZone}) > 5)
      group by actor_id order by actions desc limit 100`,
    );

    const denials = await queryRows<{ actor_id: string; actor_name: string; day: string; denials: number }>(
      this.db,
      sql`
      select actor_id, max(actor_name) as actor_name, (recorded_at at time zone ${timeZone})::date::text as day, count(*)::int as denials
      from audit_entries
      where actor_kind in ('user', 'system') and recorded_at >= ${from.toISOString()}::timestamptz
        and recorded_at < ${end.toISOString()}::timestamptz and outcome = 'DENIED'
      group by actor_id, day having count(*) >= ${this.settings.deniedAttemptsThreshold}
      order by denials desc limit 100`,
    );

    const patterns: AuditPatterns = {
      from: from.toISOString().slice(0, 10),
      to: to.toISOString().slice(0, 10),
      unusualVolumes: unusual.map((r) => ({
        actorId: r.actor_id,
        actorName: r.actor_name,
        day: r.day,
        actions: Number(r.actions),
        usualPerDay: Number(r.usual),
      })),
      ownNameOrAddress: own.map((r) => ({
        seq: Number(r.seq),
        actorName: r.actor_name,
        recordedAt: new Date(r.recorded_at).toISOString(),
        match: r.match,
        value: r.value,
      })),
      outOfHours: outOfHours.map((r) => ({
        actorId: r.actor_id,
        actorName: r.actor_name,
        actions: Number(r.actions),
        first: new Date(r.first).toISOString(),
        last: new Date(r.last).toISOString(),
      })),
      repeatedDenials: denials.map((r) => ({
        actorId: r.actor_id,
        actorName: r.actor_name,
        day: r.day,
        denials: Number(r.denials),
      })),
    };
    await this.trail.record(ctx, {
      kind: 'AUDIT_PATTERNS_VIEWED',
      action: 'audit.search',
      details: { from: patterns.from, to: patterns.to },
    });
    return patterns;
  }

  /** Audits a change of the Cedar policies in force: once per new policy version, at start. */
  async recordPolicyVersion(version: string): Promise<boolean> {
    const [last] = await queryRows<{ version: string }>(
      this.db,
      sql`select entry::jsonb -> 'details' ->> 'version' as version from audit_entries where kind = 'POLICIES_CHANGED' order by seq desc limit 1`,
    );
    if (last?.version === version) return false;
    await this.trail.record(operatorContext('JOB', 'leds:start'), {
      kind: 'POLICIES_CHANGED',
      action: 'policy.load',
      details: { version, previous: last?.version ?? null },
    });
    return true;
  }

  // ---- public: checkpoint, proofs, figures ----------------------------------------------------------------

  async signCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.log.signCheckpoint(this.signer, this.settings.origin, this.clock.now());
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.log.latestCheckpoint();
  }

  /**
   * The size public proofs may reach: the newest signed checkpoint's. Proofs are checked against checkpoints, and
   * the live size, between checkpoints, would tell how many actions were just audited.
   */
  private async publishedSize(): Promise<number> {
    return (await this.log.latestCheckpoint())?.treeSize ?? 0;
  }

  async inclusionProof(seq: number, treeSize: number) {
    const size = await this.publishedSize();
    if (!Number.isInteger(seq) || !Number.isInteger(treeSize) || seq < 0 || seq >= treeSize || treeSize > size)
      throw new LedsError(
        'AUDIT_TREE_SIZE_INVALID',
        `entry ${seq} is not in a tree of ${treeSize}: the newest checkpoint is of ${size} entries`,
        [{ field: 'treeSize', message: `must be more than the entry's index and at most ${size}` }],
      );
    const proof = await this.log.inclusionProof(seq, treeSize);
    return {
      seq,
      treeSize,
      leafHash: proof.leafHash.toString('base64'),
      rootHash: proof.root.toString('base64'),
      proof: proof.proof.map((h) => h.toString('base64')),
    };
  }

  async consistencyProof(from: number, to: number) {
    const size = await this.publishedSize();
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || from > to || to > size)
      throw new LedsError(
        'AUDIT_TREE_SIZE_INVALID',
        `no consistency proof from ${from} to ${to}: the newest checkpoint is of ${size} entries`,
        [{ field: 'from', message: `need 1 <= from <= to <= ${size}` }],
      );
    return {
      from,
      to,
      fromRoot: (await this.log.rootAt(from)).toString('base64'),
      toRoot: (await this.log.rootAt(to)).toString('base64'),
      proof: (await this.log.consistencyProof(from, to)).map((h) => h.toString('base64')),
    };
  }

  /** Monthly counts by organisation type, action and purpose: aggregates only, never rows (DPA 2018 s62(4)). */
  async monthlyFigures(months = 12): Promise<MonthlyAuditFigure[]> {
    const since = new Date(this.clock.now().getTime() - months * 31 * day);
    const rows = await queryRows<{
      month: string;
      organisation_kind: string;
      action: string;
      purpose: string;
      count: number;
    }>(
      this.db,
      sql`
      select to_char(recorded_at, 'YYYY-MM') as month, coalesce(organisation_kind, 'NONE') as organisation_kind,
             action, coalesce(purpose, 'NONE') as purpose, count(*)::int as count
      from audit_entries where recorded_at >= ${since.toISOString()}::timestamptz
      group by 1, 2, 3, 4 order by 1 desc, 2, 3, 4`,
    );
    return rows.map((r) => ({
      month: r.month,
      organisationKind: r.organisation_kind,
      action: r.action,
      purpose: r.purpose,
      count: Number(r.count),
    }));
  }

  // ---- the audit vault: retention and legal holds ---------------------------------------------------------

  async placeLegalHold(
    ctx: RequestContext,
    hold: { subjectKind: 'PERSON' | 'USER'; subjectId: string; reason: string },
  ): Promise<{ id: string }> {
    await this.decisions.require(ctx, 'audit-hold.manage');
    if (hold.reason.trim().length < 10)
      throw new LedsError('REQUEST_INVALID', 'say why the hold is needed', [
        { field: 'reason', message: 'must be at least 10 characters' },
      ]);
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.insert(auditLegalHolds).values({
        id,
        subjectKind: hold.subjectKind,
        subjectId: hold.subjectId,
        reason: hold.reason.trim(),
        placedBy: ctx.actor.id,
        placedAt: this.clock.now(),
        key: randomBytes(32),
      });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'AUDIT_LEGAL_HOLD_PLACED',
          action: 'audit-hold.manage',
          subjects: hold.subjectKind === 'PERSON' ? [hold.subjectId] : [],
          details: { holdId: id, ...hold },
        },
      ]);
    });
    return { id };
  }

  async liftLegalHold(ctx: RequestContext, id: string): Promise<void> {
    await this.decisions.require(ctx, 'audit-hold.manage');
    await this.db.transaction(async (tx) => {
      const lifted = await tx
        .update(auditLegalHolds)
        .set({ liftedAt: this.clock.now() })
        .where(and(eq(auditLegalHolds.id, id), isNull(auditLegalHolds.liftedAt)))
        .returning({ id: auditLegalHolds.id });
      if (lifted.length === 0) throw new LedsError('REQUEST_INVALID', `no legal hold \`${id}\` in force`);
      await this.trail.recordWithin(tx as Database, ctx, [
        { kind: 'AUDIT_LEGAL_HOLD_LIFTED', action: 'audit-hold.manage', details: { holdId: id } },
      ]);
    });
  }

  /**
   * Destroys the vault content of every month older than the audit retention period: content about a person or
   * user under a legal hold is first sealed again under the hold's own key; then the month's key is destroyed
   * and its content deleted. Held content whose holds have all been lifted goes the same way. Entries, hashes
   * and proofs are untouched, so the log still verifies.
   */
  async destroyExpiredVaultContent(
    ctx: RequestContext,
  ): Promise<{ periods: string[]; kept: number; destroyed: number }> {
    const cutoff = periodOf(new Date(this.clock.now().getTime() - this.settings.retentionDays * day).toISOString());
    const expired = await this.db
      .select({ period: auditVaultKeys.period, key: auditVaultKeys.key })
      .from(auditVaultKeys)
      .where(and(lt(auditVaultKeys.period, cutoff), isNull(auditVaultKeys.destroyedAt)));
    const holds = await this.db.select().from(auditLegalHolds).where(isNull(auditLegalHolds.liftedAt));
    let kept = 0;
    let destroyed = 0;
    for (const { period, key } of expired) {
      await this.db.transaction(async (tx) => {
        const content = await tx
          .select({
            seq: auditVaultContent.seq,
            nonce: auditVaultContent.nonce,
            sealed: auditVaultContent.sealed,
            subjects: auditEntries.subjectIds,
            actorId: auditEntries.actorId,
          })
          .from(auditVaultContent)
          .innerJoin(auditEntries, eq(auditEntries.seq, auditVaultContent.seq))
          .where(and(eq(auditVaultContent.period, period), isNull(auditVaultContent.legalHoldId)));
        for (const row of content) {
          const hold = holds.find((h) =>
            h.subjectKind === 'PERSON' ? row.subjects.includes(h.subjectId.toLowerCase()) : h.subjectId === row.actorId,
          );
          if (hold?.key && key) {
            const resealed = this.log.sealForHold(hold.key, unseal(key, row.nonce, row.sealed));
            await tx
              .update(auditVaultContent)
              .set({ legalHoldId: hold.id, ...resealed })
              .where(eq(auditVaultContent.seq, row.seq));
            kept += 1;
          }
        }
        const gone = await tx
          .delete(auditVaultContent)
          .where(and(eq(auditVaultContent.period, period), isNull(auditVaultContent.legalHoldId)))
          .returning({ seq: auditVaultContent.seq });
        destroyed += gone.length;
        await tx
          .update(auditVaultKeys)
          .set({ key: null, destroyedAt: this.clock.now() })
          .where(eq(auditVaultKeys.period, period));
        await this.trail.recordWithin(tx as Database, ctx, [
          {
            kind: 'AUDIT_VAULT_PERIOD_DESTROYED',
            action: 'audit-vault.destroy',
            details: { period, contentDestroyed: gone.length },
          },
        ]);
      });
    }
    // Content kept for holds that have since been lifted, from months already past retention.
    const liftedHolds = await this.db
      .select({ id: auditLegalHolds.id })
      .from(auditLegalHolds)
      .where(lte(auditLegalHolds.liftedAt, this.clock.now()));
    if (liftedHolds.length > 0) {
      const gone = await this.db
        .delete(auditVaultContent)
        .where(
          and(
            inArray(
              auditVaultContent.legalHoldId,
              liftedHolds.map((h) => h.id),
            ),
            lt(auditVaultContent.period, cutoff),
          ),
        )
        .returning({ seq: auditVaultContent.seq });
      destroyed += gone.length;
    }
    this.log.forgetVaultKeys();
    return { periods: expired.map((e) => e.period), kept, destroyed };
  }
}
