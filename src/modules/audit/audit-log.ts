import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import stringify from 'safe-stable-stringify';
import { LedsError } from '../../platform/errors.ts';
import { recordset } from '../../storage/bulk-insert.ts';
import { type Database, type DatabaseHandle, queryRows } from '../../storage/database.ts';
import {
  auditCheckpoints,
  auditEntries,
  auditLegalHolds,
  auditTreeNodes,
  auditVaultContent,
  auditVaultKeys,
} from './audit.tables.ts';
import type { AuditEntryBody } from './audit.types.ts';
import {
  consistencyProofRanges,
  foldRange,
  inclusionProofRanges,
  leafHash,
  type NodeId,
  rangeNodes,
  TreeFrontier,
} from './merkle.ts';
import { holdLabel, periodLabel, type VaultKeyWrapping } from './vault-key-wrapping.ts';

/** Serialises appends across transactions and processes (pg_advisory_xact_lock): the tree has one right edge. */
export const appendLock = 0x4c454453;

/** An entry waiting to be appended: its body without the leaf index, and what the user was shown, if anything. */
export interface AuditDraft {
  body: Omit<AuditEntryBody, 'seq'>;
  shownContent?: Buffer;
}

interface Pending {
  draft: AuditDraft;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

const hex = (bytes: Uint8Array) => `\\x${Buffer.from(bytes).toString('hex')}`;
/** The row of audit_entries for an entry: its hashed text, and the fields auditors search by beside it. */
export function entryRow(body: AuditEntryBody, entry: string): typeof auditEntries.$inferInsert {
  return {
    seq: body.seq,
    recordedAt: body.recordedAt as unknown as Date,
    kind: body.kind,
    action: body.action,
    outcome: body.outcome,
    actorKind: body.actor.kind,
    actorId: body.actor.id,
    actorName: body.actor.name,
    organisationId: body.organisation?.id ?? null,
    organisationCode: body.organisation?.code ?? null,
    organisationKind: body.organisation?.kind ?? null,
    purpose: body.purpose,
    caseReference: body.caseReference,
    channel: body.channel,
    correlationId: body.correlationId,
    subjectIds: body.subjects,
    entry,
  };
}

const appendTexts = new Map<string, string[]>();
/**
 * The one statement of an append: take the lock, check the stored size is the one the rows were made for, and write
 * entries, tree nodes and sealed content only if it is. Its text is made once for each shape and kept, so a group
 * commit builds no SQL (measured: building it was a tenth of the audit's cost to a read).
 */
function appendStatement(
  expected: number,
  rows: { entries: Record<string, unknown>[]; nodes: Record<string, unknown>[]; vault: Record<string, unknown>[] },
): SQL {
  const parts = [recordset(auditEntries, rows.entries), recordset(auditTreeNodes, rows.nodes)];
  if (rows.vault.length > 0) parts.push(recordset(auditVaultContent, rows.vault));
  const shape = parts.map((p) => p.text).join('\n');
  let text = appendTexts.get(shape);
  if (!text) {
    const guarded = (part: { text: string }) => `${part.text} where (select ok from guard) returning 1`;
    const [entries, nodes, vault] = [parts[0] as { text: string }, parts[1] as { text: string }, parts[2]];
    text = `with lock as (select pg_advisory_xact_lock($lock)),
      guard as (select (select coalesce(max(seq) + 1, 0) from audit_entries) = $expected as ok from lock),
      entries as (${guarded(entries)}), nodes as (${guarded(nodes)}), vault as (${vault ? guarded(vault) : 'select 1'})
      select (select ok from guard) as ok`.split(/\$(?:lock|expected|rows)/);
    appendTexts.set(shape, text);
  }
  const values = [appendLock, expected, ...parts.map((p) => p.json)];
  return sql.join(text.map((chunk, i) => (i < values.length ? sql`${sql.raw(chunk)}${values[i]}` : sql.raw(chunk))));
}

/** The calendar month an entry belongs to; vault content is sealed per month so it can be destroyed per month. */
export const periodOf = (recordedAt: string) => recordedAt.slice(0, 7);

/**
 * Compressed, then AES-256-GCM. Compressing first matters: sealed bytes do not compress, so PostgreSQL would
 * otherwise store and log every view in full (measured: a person view of 6 KB deflates to about a quarter).
 */
function seal(key: Uint8Array, content: Buffer): { nonce: Buffer; sealed: Buffer } {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const packed = deflateRawSync(content, { level: 1 });
  const sealed = Buffer.concat([cipher.update(packed), cipher.final(), cipher.getAuthTag()]);
  return { nonce, sealed };
}

export function unseal(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer {
  const body = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(body.subarray(body.length - 16));
  return inflateRawSync(Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]));
}

/**
 * The audit log's storage: entries, the Merkle tree's nodes, checkpoints and the sealed vault content.
 * INVARIANT: an append writes the entry, every tree node it completes and its sealed content in one transaction,
 * under one lock, so the stored tree always matches the stored entries.
 * Reads are appended by group commit: callers that arrive while a commit is running wait for the next one, and
 * that one commits all of them together, so durability costs one commit per batch rather than per read.
 */
export class AuditLog {
  private queue: Pending[] = [];
  private flushing = false;
  /** The tree's right edge after the last commit this process made; checked against the stored size each time. */
  private frontier: TreeFrontier | undefined;
  private readonly vaultKeys = new Map<string, Buffer>();
  readonly stats = { commits: 0, entries: 0 };

  constructor(
    private readonly db: Database,
    private readonly settings: {
      groupCommitMax: number;
      vaultKeys: VaultKeyWrapping;
      /** Where given, the group commit's statement is prepared once per connection rather than planned each time. */
      statements?: Pick<DatabaseHandle, 'queryStatement'>;
    },
  ) {}

  /** Appends one entry durably; resolves with its leaf index once the commit holding it is done. */
  append(draft: AuditDraft): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Started on the next turn so appends made in the same turn share the first commit.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.settings.groupCommitMax);
      try {
        // One statement, committed on its own: the entries are durable when it returns.
        const { seqs, frontier } = await this.appendRows(
          this.db,
          batch.map((p) => p.draft),
        );
        this.frontier = frontier;
        this.stats.commits += 1;
        this.stats.entries += batch.length;
        batch.forEach((pending, i) => {
          pending.resolve(seqs[i] as number);
        });
      } catch (error) {
        this.frontier = undefined;
        for (const pending of batch) pending.reject(error);
      }
    }
    this.flushing = false;
  }

  /**
   * Appends entries inside the caller's transaction, so a change and its audit entry commit or fail together.
   * The cached right edge is not moved: the caller may still roll back.
   */
  async appendWithin(tx: Database, drafts: AuditDraft[]): Promise<number[]> {
    if (drafts.length === 0) return [];
    // Held to the caller's commit, so no other append can take the leaf indexes these rows use meanwhile.
    await tx.execute(sql`select pg_advisory_xact_lock(${appendLock})`);
    return (await this.appendRows(tx, drafts)).seqs;
  }

  /**
   * Writes entries, the tree nodes they complete and their sealed content in one statement that first takes the
   * append lock. The right edge cached from this process's last commit is trusted only if the statement finds
   * the stored size it expects; otherwise (another process appended, or this statement's snapshot predates the
   * lock) nothing is written, or the primary key refuses a duplicate leaf index, and the rows are made again from
   * the stored edge. Measured on PostgreSQL: six statements in a transaction took 2.9 ms a group commit.
   */
  private async appendRows(db: Database, drafts: AuditDraft[]): Promise<{ seqs: number[]; frontier: TreeFrontier }> {
    let frontier = this.frontier?.clone();
    for (let attempt = 1; ; attempt += 1) {
      if (!frontier) frontier = await this.loadFrontier(db, await this.storedSize(db));
      const expected = frontier.size;
      const rows = await this.rowsFor(db, drafts, frontier);
      try {
        const statement = appendStatement(expected, rows);
        // Measured on PostgreSQL: planning this statement took 0.5 ms of the 1.2 ms it ran for, at every commit.
        const prepared = db === this.db ? this.settings.statements : undefined;
        const [written] = prepared
          ? await prepared.queryStatement<{ ok: boolean }>(statement)
          : await queryRows<{ ok: boolean }>(db, statement);
        if (written?.ok) return { seqs: rows.seqs, frontier };
      } catch (error) {
        const code =
          (error as { code?: string }).code ?? ((error as Error).cause as { code?: string } | undefined)?.code;
        if (code !== '23505' || attempt >= 5) throw error;
      }
      frontier = undefined;
    }
  }

  private async rowsFor(tx: Database, drafts: AuditDraft[], frontier: TreeFrontier) {
    const entries: Record<string, unknown>[] = [];
    const nodes: Record<string, unknown>[] = [];
    const vault: Record<string, unknown>[] = [];
    const seqs: number[] = [];
    for (const draft of drafts) {
      const seq = frontier.size;
      const body: AuditEntryBody = { seq, ...draft.body };
      const entry = stringify(body) as string;
      for (const node of frontier.append(leafHash(entry)))
        nodes.push({ level: node.level, nodeIndex: node.index, hash: hex(node.hash) });
      entries.push(entryRow(body, entry));
      if (draft.shownContent) {
        const period = periodOf(body.recordedAt);
        const key = await this.vaultKey(tx, period);
        if (key) {
          const { nonce, sealed } = seal(key, draft.shownContent);
          vault.push({ seq, period, nonce: hex(nonce), sealed: hex(sealed), bytes: draft.shownContent.length });
        }
      }
      seqs.push(seq);
    }
    return { entries, nodes, vault, seqs };
  }

  async storedSize(db: Database): Promise<number> {
    const rows = await queryRows<{ size: string | number }>(
      db,
      sql`select coalesce(max(seq) + 1, 0)::int8 as size from audit_entries`,
    );
    return Number(rows[0]?.size ?? 0);
  }

  /** The key that seals this month's vault content, made the first time it is needed; undefined once destroyed. */
  private async vaultKey(tx: Database, period: string): Promise<Buffer | undefined> {
    const cached = this.vaultKeys.get(period);
    if (cached) return cached;
    await tx
      .insert(auditVaultKeys)
      .values({
        period,
        wrappedKey: this.settings.vaultKeys.wrap(periodLabel(period), randomBytes(32)),
        createdAt: new Date(),
      })
      .onConflictDoNothing();
    const [row] = await tx.select().from(auditVaultKeys).where(eq(auditVaultKeys.period, period));
    const key = row && this.periodKey(row);
    if (key) this.vaultKeys.set(period, key);
    return key;
  }

  /** A month's key in clear, unwrapped; undefined once destroyed. */
  periodKey(row: { period: string; key: Uint8Array | null; wrappedKey: Uint8Array | null }): Buffer | undefined {
    if (row.wrappedKey) return this.settings.vaultKeys.unwrap(periodLabel(row.period), row.wrappedKey);
    return row.key ? Buffer.from(row.key) : undefined;
  }

  /** A legal hold's key in clear, unwrapped; undefined once destroyed. */
  holdKey(hold: { id: string; key: Uint8Array | null; wrappedKey: Uint8Array | null }): Buffer | undefined {
    if (hold.wrappedKey) return this.settings.vaultKeys.unwrap(holdLabel(hold.id), hold.wrappedKey);
    return hold.key ? Buffer.from(hold.key) : undefined;
  }

  /** A new legal hold's key, wrapped for storing. */
  newHoldKey(id: string): Buffer {
    return this.wrapHoldKey(id, randomBytes(32));
  }

  wrapHoldKey(id: string, key: Buffer): Buffer {
    return this.settings.vaultKeys.wrap(holdLabel(id), key);
  }

  wrapPeriodKey(period: string, key: Buffer): Buffer {
    return this.settings.vaultKeys.wrap(periodLabel(period), key);
  }

  /** Forgets cached vault keys, after the retention sweep destroyed some. */
  forgetVaultKeys(): void {
    this.vaultKeys.clear();
  }

  async nodeHashes(db: Database, ids: readonly NodeId[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    // Integers this module computed, never user input, so they may be written into the statement.
    const wanted = sql.raw(ids.map((id) => `(${Number(id.level)}, ${Number(id.index)})`).join(', '));
    const rows = await queryRows<{ level: number; node_index: string | number; hash: Uint8Array }>(
      db,
      sql`select level, node_index, hash from audit_tree_nodes where (level, node_index) in (${wanted})`,
    );
    const byId = new Map(rows.map((r) => [`${r.level}:${Number(r.node_index)}`, Buffer.from(r.hash)]));
    return ids.map((id) => {
      const hash = byId.get(`${id.level}:${id.index}`);
      if (!hash) throw new LedsError('AUDIT_LOG_INCOMPLETE', `tree node ${id.level}/${id.index} is missing`);
      return hash;
    });
  }

  /** The tree's right edge at `size`, from the stored nodes. */
  async loadFrontier(db: Database, size: number): Promise<TreeFrontier> {
    return TreeFrontier.of(size, await this.nodeHashes(db, rangeNodes(0, size)));
  }

  async size(): Promise<number> {
    return this.storedSize(this.db);
  }

  async rootAt(size: number, db: Database = this.db): Promise<Buffer> {
    return foldRange(await this.nodeHashes(db, rangeNodes(0, size)));
  }

  private async rangeHashes(ranges: [number, number][]): Promise<Buffer[]> {
    const ids = ranges.map(([a, b]) => rangeNodes(a, b));
    const hashes = await this.nodeHashes(this.db, ids.flat());
    let at = 0;
    return ids.map((group) => {
      const slice = hashes.slice(at, at + group.length);
      at += group.length;
      return foldRange(slice);
    });
  }

  async inclusionProof(seq: number, treeSize: number): Promise<{ leafHash: Buffer; proof: Buffer[]; root: Buffer }> {
    const [leaf] = await this.nodeHashes(this.db, [{ level: 0, index: seq }]);
    return {
      leafHash: leaf as Buffer,
      proof: await this.rangeHashes(inclusionProofRanges(seq, treeSize)),
      root: await this.rootAt(treeSize),
    };
  }

  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    return this.rangeHashes(consistencyProofRanges(from, to));
  }

  async latestCheckpoint(db: Database = this.db): Promise<StoredCheckpoint | undefined> {
    const [row] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.treeSize)).limit(1);
    return row ? { ...row, rootHash: Buffer.from(row.rootHash) } : undefined;
  }

  /** What a user was shown in an entry, for auditors; undefined when nothing was kept or it has been destroyed. */
  async shownContent(seq: number): Promise<Buffer | undefined> {
    return (await this.shownContents([seq])).get(seq);
  }

  /** What users were shown in these entries, where the vault still holds it. */
  async shownContents(seqs: readonly number[]): Promise<Map<number, Buffer>> {
    if (seqs.length === 0) return new Map();
    const rows = await this.db
      .select({
        seq: auditVaultContent.seq,
        nonce: auditVaultContent.nonce,
        sealed: auditVaultContent.sealed,
        period: auditVaultContent.period,
        periodKey: auditVaultKeys.key,
        periodWrapped: auditVaultKeys.wrappedKey,
        holdId: auditLegalHolds.id,
        holdKey: auditLegalHolds.key,
        holdWrapped: auditLegalHolds.wrappedKey,
      })
      .from(auditVaultContent)
      .leftJoin(auditVaultKeys, eq(auditVaultKeys.period, auditVaultContent.period))
      .leftJoin(auditLegalHolds, eq(auditLegalHolds.id, auditVaultContent.legalHoldId))
      .where(inArray(auditVaultContent.seq, [...seqs]));
    const shown = new Map<number, Buffer>();
    for (const row of rows) {
      const key = row.holdId
        ? this.holdKey({ id: row.holdId, key: row.holdKey, wrappedKey: row.holdWrapped })
        : this.periodKey({ period: row.period, key: row.periodKey, wrappedKey: row.periodWrapped });
      if (key) shown.set(row.seq, unseal(key, row.nonce, row.sealed));
    }
    return shown;
  }

  /** Seals content for a legal hold's key, for the retention sweep moving held content off a period key. */
  sealForHold(key: Uint8Array, content: Buffer): { nonce: Buffer; sealed: Buffer } {
    return seal(key, content);
  }
}

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  note: string;
  signedAt: Date;
}
