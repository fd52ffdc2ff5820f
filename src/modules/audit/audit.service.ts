import { sql } from 'drizzle-orm';
import type { AuditSettings } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import { operatorContext, type RequestContext } from '../../platform/request-context.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import type { AuditLog, StoredCheckpoint } from './audit-log.ts';
import type { AuditTrail } from './audit-trail.ts';
import { destroyExpiredVaultContent, type VaultSweep } from './audit-vault-sweep.ts';
import { consistencyProof, inclusionProof, type MonthlyAuditFigure, monthlyFigures } from './public-proofs.ts';
import type { CheckpointSigner } from './signed-checkpoint.ts';

/**
 * The audit log's own use cases: signed checkpoints, the public proofs and monthly figures, the policy version in
 * force, and the audit vault's retention. It makes no access decision: what needs one (auditors' cases, searches,
 * patterns, legal holds) is the auditor console, `modules/oversight`.
 */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly log: AuditLog,
    private readonly trail: AuditTrail,
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

  inclusionProof(seq: number, treeSize: number) {
    return inclusionProof(this.log, seq, treeSize);
  }

  consistencyProof(from: number, to: number) {
    return consistencyProof(this.log, from, to);
  }

  /** Monthly counts by organisation type, action and purpose: aggregates only, never rows (DPA 2018 s62(4)). */
  monthlyFigures(months = 12): Promise<MonthlyAuditFigure[]> {
    return monthlyFigures(this.db, this.clock.now(), months);
  }

  // ---- the audit vault's retention ------------------------------------------------------------------------

  /** See audit-vault-sweep.ts: months past retention lose their content, except what legal holds keep. */
  destroyExpiredVaultContent(ctx: RequestContext): Promise<VaultSweep> {
    return destroyExpiredVaultContent(
      { db: this.db, log: this.log, trail: this.trail, clock: this.clock, settings: this.settings },
      ctx,
    );
  }
}
