import { sql } from 'drizzle-orm';
import type { AuditSettings } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import { operatorContext, type RequestContext } from '../../platform/request-context.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import type { AuditLog, StoredCheckpoint } from './audit-log.ts';
import type { AuditTrail } from './audit-trail.ts';
import { destroyExpiredVaultContent, type VaultSweep, wrapClearVaultKeys } from './audit-vault-sweep.ts';
import { CheckpointHistory } from './checkpoint-history.ts';
import { checkpointPage } from './checkpoint-page.ts';
import { type CheckpointSigning, newSigningMemory, signCheckedCheckpoint } from './checkpoint-signing.ts';
import { consistencyProof, inclusionProof, type MonthlyAuditFigure, monthlyFigures } from './public-proofs.ts';
import type { CheckpointSigner } from './signed-checkpoint.ts';
import {
  type Cosigning,
  cosignedCheckpoint,
  requestCosignatures,
  type Witness,
  witnessesOf,
} from './witness-cosigning.ts';

export interface CheckpointStatus {
  checkedAt: Date;
  /** Why the last checkpoint was not signed: the log failed the check. */
  refused?: string;
  witnessProblems: string[];
  cosignedBy: string[];
  /** The newest checkpoint carries the quorum of cosignatures. */
  witnessed: boolean;
}

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
    /** Removes what deleted and changed rows leave in the database files (storage's scrub). */
    private readonly scrub: (tables: string[]) => Promise<unknown> = async () => undefined,
  ) {
    this.history = new CheckpointHistory(settings.checkpointHistoryDir);
    this.witnesses = witnessesOf(settings);
    this.quorum = settings.witnessQuorum;
  }

  readonly history: CheckpointHistory;
  private readonly witnesses: Witness[];
  private quorum: number;
  private status: CheckpointStatus | undefined;
  private readonly signingMemory = newSigningMemory();

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

  /**
   * Signs a checkpoint of the log as it stands, once the log has been proved consistent with every checkpoint
   * signed before (checkpoint-signing.ts), then asks the witnesses to cosign it. Undefined when nothing new was
   * signed; a refusal or a witness's problem is kept in `checkpointStatus` (health, auditor console, CLI), and
   * never throws, so no row of any audit table can stop the server.
   */
  async signCheckpoint(options: { full?: boolean } = {}): Promise<StoredCheckpoint | undefined> {
    const now = this.clock.now();
    let outcome: CheckpointSigning;
    try {
      outcome = await signCheckedCheckpoint(
        {
          db: this.db,
          log: this.log,
          signer: this.signer,
          history: this.history,
          origin: this.settings.origin,
          memory: this.signingMemory,
        },
        now,
        options,
      );
    } catch (error) {
      outcome = { refused: `the log could not be checked: ${(error as Error).message}` };
    }
    let cosigning: Cosigning = { cosignedBy: [], problems: [] };
    if (!outcome.refused)
      cosigning = await requestCosignatures(this.cosigningDeps(), now).catch((error: Error) => ({
        cosignedBy: [],
        problems: [`witnesses could not be asked: ${error.message}`],
      }));
    this.status = {
      checkedAt: now,
      refused: outcome.refused,
      witnessProblems: cosigning.problems,
      cosignedBy: cosigning.cosignedBy,
      witnessed: cosigning.cosignedBy.length >= this.quorum,
    };
    return outcome.signed;
  }

  /**
   * For the verifier: asks each witness about the newest checkpoint without trusting or storing anything of the
   * database's; the problems are what the witnesses refused (a rollback, a rewrite they can prove).
   */
  async askWitnesses(): Promise<Cosigning> {
    return requestCosignatures(this.cosigningDeps(), this.clock.now(), { keep: false });
  }

  private cosigningDeps() {
    return {
      db: this.db,
      log: this.log,
      history: this.history,
      witnesses: this.witnesses,
      timeoutMs: this.settings.witnessTimeoutMs,
    };
  }

  /** What the last signing found: a refusal, witnesses' problems, and whether the quorum cosigned. */
  get checkpointStatus(): CheckpointStatus | undefined {
    return this.status;
  }

  /** The witnesses asked to cosign, by name and verifier key, and the quorum a checkpoint needs. */
  get witnessKeys(): { quorum: number; witnesses: { name: string; verifierKey: string; url: string }[] } {
    return {
      quorum: this.quorum,
      witnesses: this.witnesses.map((w) => ({
        name: w.verifier.name,
        verifierKey: w.verifier.verifierKey,
        url: w.url,
      })),
    };
  }

  /** Adds a witness after start: the demo's own, started beside the server. */
  addWitness(url: string, verifierKey: string): void {
    this.witnesses.push(...witnessesOf({ witnesses: [{ url: url.replace(/\/+$/, ''), verifierKey }] }));
    this.quorum += 1;
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.log.latestCheckpoint();
  }

  /** The newest checkpoint with the witnesses' cosignatures kept for it. */
  async latestCosignedCheckpoint(): Promise<(StoredCheckpoint & { cosigned: string }) | undefined> {
    const latest = await this.log.latestCheckpoint();
    return latest && { ...latest, cosigned: await cosignedCheckpoint(this.db, latest) };
  }

  /** Signed checkpoints in order of size, a page at a time, with their cosignatures. */
  checkpointPage(afterSize: number, limit: number) {
    return checkpointPage(this.db, afterSize, limit);
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

  /**
   * See audit-vault-sweep.ts: months past retention lose their content, except what legal holds keep. Then the
   * files are scrubbed, so that a destroyed key and its content are gone from the disk, not only from the tables.
   */
  async destroyExpiredVaultContent(ctx: RequestContext): Promise<VaultSweep> {
    const swept = await destroyExpiredVaultContent(
      { db: this.db, log: this.log, trail: this.trail, clock: this.clock, settings: this.settings },
      ctx,
    );
    if (swept.periods.length > 0 || swept.destroyed > 0)
      await this.scrub(['audit_vault_keys', 'audit_vault_content', 'audit_legal_holds']);
    return swept;
  }

  /**
   * Wraps any vault key still stored in clear (written before keys were wrapped) and scrubs the clear bytes from
   * the files. Runs at every start; returns how many keys it wrapped.
   */
  async wrapClearVaultKeys(): Promise<number> {
    const wrapped = await wrapClearVaultKeys(this.db, this.log);
    if (wrapped > 0) await this.scrub(['audit_vault_keys', 'audit_legal_holds']);
    return wrapped;
  }
}
