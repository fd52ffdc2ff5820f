import type { AuditSettings } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AccessDecisions } from '../access/index.ts';
import {
  type AuditEntryDetail,
  type AuditEntrySummary,
  type AuditLog,
  type AuditSearch,
  type AuditTrail,
  findAuditEntries,
  type LegalHold,
  readAuditEntry,
} from '../audit/index.ts';
import type { RetentionRuleSet } from '../retention/index.ts';
import { type AuditCase, AuditCases } from './audit-cases.ts';
import { deletedRecord } from './deleted-records.ts';
import { liftLegalHold, placeLegalHold } from './legal-holds.ts';
import { type AuditPatterns, usagePatterns } from './usage-patterns.ts';

/**
 * The auditor console: auditors' cases, who searched for or viewed whom, one entry with its proof and what the
 * user saw, usage patterns, and legal holds on the audit vault. Each starts with an access decision, and every
 * auditor action is itself audited. The log it reads is `modules/audit`, through the queries that module exports.
 */
export class OversightService {
  private readonly cases: AuditCases;

  constructor(
    private readonly db: Database,
    private readonly log: AuditLog,
    private readonly trail: AuditTrail,
    private readonly decisions: AccessDecisions,
    private readonly clock: Clock,
    private readonly settings: AuditSettings,
    private readonly retentionRules: RetentionRuleSet,
  ) {
    this.cases = new AuditCases(db, trail, decisions, clock);
  }

  // ---- auditors' cases -------------------------------------------------------------------------------------

  openCase(ctx: RequestContext, reason: string): Promise<AuditCase> {
    return this.cases.openCase(ctx, reason);
  }

  listCases(ctx: RequestContext): Promise<AuditCase[]> {
    return this.cases.listCases(ctx);
  }

  closeCase(ctx: RequestContext, reference: string): Promise<void> {
    return this.cases.closeCase(ctx, reference);
  }

  // ---- searching the log -----------------------------------------------------------------------------------

  async searchEntries(ctx: RequestContext, search: AuditSearch): Promise<AuditEntrySummary[]> {
    await this.cases.requireOpenCase(ctx);
    const found = await findAuditEntries(this.db, search);
    await this.trail.record(ctx, {
      kind: 'AUDIT_SEARCHED',
      action: 'audit.search',
      subjects: search.personId ? [search.personId] : [],
      details: { criteria: { ...search }, entriesReturned: found.map((e) => e.seq) },
    });
    return found;
  }

  /** One entry: what it records, its inclusion proof, and what the user was shown (while the vault keeps it). */
  async entry(ctx: RequestContext, seq: number): Promise<AuditEntryDetail> {
    await this.cases.requireOpenCase(ctx);
    const detail = await readAuditEntry(this.db, this.log, seq);
    await this.trail.record(ctx, {
      kind: 'AUDIT_ENTRY_VIEWED',
      action: 'audit.search',
      subjects: detail.entry.subjects,
      details: { seq, shown: detail.shown.state },
    });
    return detail;
  }

  /**
   * A deleted record as an auditor with an open case sees it: its tombstones, notices, the person's trail and the
   * content from the vault while it lasts. Anyone else is refused by the case check; the opening is audited.
   */
  async deletedRecord(ctx: RequestContext, id: string) {
    await this.cases.requireOpenCase(ctx);
    const view = await deletedRecord({ db: this.db, log: this.log, rules: this.retentionRules }, id);
    await this.trail.record(ctx, {
      kind: 'DELETED_RECORD_VIEWED',
      action: 'audit.search',
      subjects: [view.personId],
      details: {
        id,
        tombstones: view.tombstones.map((t) => t.id),
        content: view.content.state,
        entriesReturned: view.trail.map((e) => e.seq),
      },
    });
    return view;
  }

  // ---- patterns --------------------------------------------------------------------------------------------

  /** Reports that point auditors at use worth a look. Each is a query over the log between two dates. */
  async patterns(ctx: RequestContext, range: { from?: string; to?: string } = {}): Promise<AuditPatterns> {
    await this.cases.requireOpenCase(ctx);
    const patterns = await usagePatterns(
      { db: this.db, log: this.log, clock: this.clock, settings: this.settings },
      range,
    );
    await this.trail.record(ctx, {
      kind: 'AUDIT_PATTERNS_VIEWED',
      action: 'audit.search',
      details: { from: patterns.from, to: patterns.to },
    });
    return patterns;
  }

  // ---- legal holds on the audit vault ----------------------------------------------------------------------

  placeLegalHold(ctx: RequestContext, hold: LegalHold): Promise<{ id: string }> {
    return placeLegalHold(this.holdDeps(), ctx, hold);
  }

  liftLegalHold(ctx: RequestContext, id: string): Promise<void> {
    return liftLegalHold(this.holdDeps(), ctx, id);
  }

  private holdDeps() {
    return { db: this.db, log: this.log, trail: this.trail, decisions: this.decisions, clock: this.clock };
  }
}
