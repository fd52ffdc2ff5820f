import { gte, inArray, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';
import { auditCheckpoints } from './audit.tables.ts';
import { leafHash, TreeFrontier } from './merkle.ts';
import { CheckpointError, type CheckpointVerifier, parseNote } from './signed-checkpoint.ts';
import { type Chunk, readChunk, type StoredNodes } from './verification-reading.ts';
import type { CosignatureVerifier } from './witness-cosignature.ts';

export interface AuditProblem {
  /** The first entry the problem concerns, when one can be named. */
  seq: number | null;
  problem: string;
}

export interface AuditVerificationReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** Checkpoints given from outside the database (a history file, an outsider's list) that were checked. */
  trustedCheckpoints: number;
  /** Trusted checkpoints fewer than the quorum of witnesses cosigned (still checked: the log signed them). */
  unwitnessed: number;
  /** Entries after the largest signed checkpoint: no signature covers them yet. */
  unsigned: number;
  /**
   * Where entries were rewritten together with their hashes, the verifier cannot say which entry: it names the
   * range between the largest checkpoint that still holds and the smallest that fails.
   */
  rewritten: { from: number; to: number } | null;
  rootHash: string;
  problems: AuditProblem[];
  firstBadEntry: number | null;
  seconds: number;
  leavesPerSecond: number;
}

/** A checkpoint kept outside the database, as given to the verifier: where it came from and its note. */
export interface TrustedCheckpoint {
  source: string;
  note: string;
}

interface TrustedRoot {
  source: string;
  size: number;
  rootHash: Buffer;
}

/** What one run of the verifier has found so far, and the tree it has recomputed. */
interface Verification {
  verifier: CheckpointVerifier;
  origin: string;
  maxProblems: number;
  problems: AuditProblem[];
  frontier: TreeFrontier;
  checkpointsChecked: number;
  /** Trusted checkpoints by size, checked against the recomputed root when the tree reaches that size. */
  trusted: Map<number, TrustedRoot[]>;
  /** Sizes of signed checkpoints (stored or trusted) whose root the entries still give, and those they do not. */
  holding: number[];
  failing: number[];
  /** Trusted checkpoints left out for lacking the witnesses' quorum. */
  unwitnessed: number;
}

function report(v: Verification, seq: number | null, problem: string): void {
  if (v.problems.length < v.maxProblems) v.problems.push({ seq, problem });
}

/**
 * Recomputes the whole Merkle tree from the stored entries, never trusting a stored hash, and checks the stored
 * tree nodes and every signed checkpoint against it. Reads in chunks of `chunk` leaves (a power of two, so each
 * chunk holds whole subtrees), so memory stays flat however long the log is.
 */
export async function verifyAuditLog(
  db: Database,
  verifier: CheckpointVerifier,
  origin: string,
  options: {
    chunk?: number;
    maxProblems?: number;
    onProgress?: (done: number, total: number) => void;
    /** Checkpoints from outside the database: a history file, an outsider's copy of the published pages. */
    trusted?: readonly TrustedCheckpoint[];
    /** When given, a trusted checkpoint counts only with cosignatures by at least `quorum` of these witnesses. */
    witnesses?: readonly CosignatureVerifier[];
    quorum?: number;
    /** What reading the trusted checkpoints found wrong (a history file's line cut short), reported as problems. */
    sourceProblems?: readonly string[];
  } = {},
): Promise<AuditVerificationReport> {
  const started = performance.now();
  const chunk = options.chunk ?? 16_384;
  const v: Verification = {
    verifier,
    origin,
    maxProblems: options.maxProblems ?? 100,
    problems: [],
    frontier: new TreeFrontier(),
    checkpointsChecked: 0,
    trusted: new Map(),
    holding: [],
    failing: [],
    unwitnessed: 0,
  };
  for (const problem of options.sourceProblems ?? []) report(v, null, problem);
  const quorum = options.quorum ?? 0;
  if (quorum > (options.witnesses ?? []).length)
    report(
      v,
      null,
      `a quorum of ${quorum} needs at least that many witness keys; ${(options.witnesses ?? []).length} given`,
    );
  const trusted = openTrusted(v, options.trusted ?? [], options.witnesses ?? [], quorum);
  const [{ size, rows } = { size: 0, rows: 0 }] = (
    await queryRows<{ size: string; rows: string }>(
      db,
      sql`select coalesce(max(seq) + 1, 0)::text as size, count(*)::text as rows from audit_entries`,
    )
  ).map((r) => ({ size: Number(r.size), rows: Number(r.rows) }));

  // The next chunk is read while this one is hashed and checked, so the database and the CPU work side by side.
  let reading = size > 0 ? readChunk(db, 0, Math.min(chunk, size)) : undefined;
  for (let start = 0; start < size; start += chunk) {
    const end = Math.min(start + chunk, size);
    const current = await (reading as Promise<Chunk>);
    reading = end < size ? readChunk(db, end, Math.min(end + chunk, size)) : undefined;
    // A read started ahead and not awaited must not reject unseen if the run stops here.
    reading?.catch(() => undefined);
    if (!(await verifyChunk(v, current, start, end))) return finish(v, size, started);
    options.onProgress?.(end, size);
  }
  if (rows !== size) report(v, null, `the log has ${rows} rows for ${size} leaf indexes`);
  const beyond = await db
    .select()
    .from(auditCheckpoints)
    .where(gte(auditCheckpoints.treeSize, size + 1));
  for (const checkpoint of beyond) {
    v.checkpointsChecked += 1;
    report(
      v,
      size,
      `checkpoint of ${checkpoint.treeSize} entries was signed, but only ${size} are stored: entries ${size} to ${checkpoint.treeSize - 1} were removed`,
    );
  }
  await checkTrustedAgainstStore(db, v, trusted, size);
  return finish(v, size, started, trusted.length);
}

/** Opens each trusted checkpoint with the log's key; one that does not open is a failure, not something to skip. */
function openTrusted(
  v: Verification,
  given: readonly TrustedCheckpoint[],
  witnesses: readonly CosignatureVerifier[],
  quorum: number,
): TrustedRoot[] {
  const opened: TrustedRoot[] = [];
  for (const { source, note } of given) {
    try {
      const { size, rootHash } = v.verifier.open(note, v.origin);
      // Every checkpoint the log signed binds it, witnessed or not: the quorum only says which were witnessed.
      // Leaving the others out would let a log drop its newest checkpoints, not yet cosigned, and pass.
      if (witnesses.length > 0 && cosigners(note, witnesses) < quorum) v.unwitnessed += 1;
      const root = { source, size, rootHash };
      opened.push(root);
      v.trusted.set(size, [...(v.trusted.get(size) ?? []), root]);
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      report(v, null, `a checkpoint from ${source} cannot be verified: ${error.message}`);
    }
  }
  return opened;
}

/** How many of the witnesses cosigned the note; a cosignature by one of them that does not verify throws. */
function cosigners(note: string, witnesses: readonly CosignatureVerifier[]): number {
  const { text, signatures } = parseNote(note);
  return witnesses.filter((w) => w.timestampOf(text, signatures) !== undefined).length;
}

/**
 * Trusted checkpoints past the log's end mean it was rolled back; one the database no longer holds means its row
 * was deleted; and a log with entries but no signed checkpoint at all cannot be checked against anything.
 */
async function checkTrustedAgainstStore(db: Database, v: Verification, trusted: TrustedRoot[], size: number) {
  for (const t of trusted.filter((t) => t.size > size))
    report(
      v,
      size,
      `the log holds ${size} entries, but ${t.source} holds a checkpoint of ${t.size}: the log was rolled back or cut`,
    );
  const sizes = [...new Set(trusted.filter((t) => t.size > 0 && t.size <= size).map((t) => t.size))];
  if (sizes.length > 0) {
    const stored = new Set(
      (
        await db
          .select({ treeSize: auditCheckpoints.treeSize })
          .from(auditCheckpoints)
          .where(inArray(auditCheckpoints.treeSize, sizes))
      ).map((r) => r.treeSize),
    );
    for (const missing of sizes.filter((s) => !stored.has(s))) {
      const source = trusted.find((t) => t.size === missing)?.source;
      report(v, null, `the checkpoint of ${missing} entries in ${source} is missing from the database: it was deleted`);
    }
  }
  if (size > 0 && v.holding.length + v.failing.length === 0 && trusted.length === 0)
    report(
      v,
      null,
      `no signed checkpoint covers any of the ${size} entries: the checkpoints were deleted, or none was ever signed`,
    );
}

async function verifyChunk(v: Verification, chunk: Chunk, start: number, end: number): Promise<boolean> {
  const { entries, stored, checkpoints } = chunk;
  for (const d of stored.duplicates ?? [])
    report(v, d.index * 2 ** d.level, `tree node ${d.level}/${d.index} is stored ${d.count} times`);
  let next = 0;
  for (let seq = start; seq < end; seq += 1) {
    // Lets the next chunk's rows be read as they arrive: unread, they fill the socket and the database waits.
    if (seq % 2048 === 0) await new Promise(setImmediate);
    const row = entries[next]?.seq === seq ? entries[next] : undefined;
    let leaf: Buffer;
    if (!row) {
      report(v, seq, `entry ${seq} is missing`);
      // Carry on with the stored leaf hash so later entries can still be checked.
      const kept = stored.get(0, seq);
      if (!kept) {
        report(v, seq, `neither entry ${seq} nor its leaf hash is stored; the tree cannot be recomputed past it`);
        return false;
      }
      leaf = kept;
    } else {
      next += 1;
      leaf = leafHash(row.entry);
      if (row.problem) report(v, seq, row.problem);
    }
    checkNodes(v, stored, leaf, seq);
    while (checkpoints[0] && checkpoints[0].treeSize === v.frontier.size) {
      const checkpoint = checkpoints.shift() as (typeof checkpoints)[number];
      v.checkpointsChecked += 1;
      checkCheckpoint(v, checkpoint, v.frontier.root());
    }
    for (const t of v.trusted.get(v.frontier.size) ?? []) checkTrustedRoot(v, t, v.frontier.root());
  }
  if (next < entries.length) report(v, entries[next]?.seq ?? null, 'entries are stored out of order');
  return true;
}

/** Appends the leaf and checks each tree node it completes against the stored node, unless already suspect. */
function checkNodes(v: Verification, stored: StoredNodes, leaf: Buffer, seq: number): void {
  for (const node of v.frontier.append(leaf)) {
    const kept = stored.get(node.level, node.index);
    const first = node.index * 2 ** node.level;
    const last = first + 2 ** node.level - 1;
    if (v.problems.some((p) => p.seq !== null && p.seq >= first && p.seq <= last)) continue;
    if (!kept) report(v, first, `tree node ${node.level}/${node.index} (entries ${first} to ${last}) is missing`);
    else if (!kept.equals(node.hash))
      report(
        v,
        first,
        node.level === 0
          ? `entry ${seq} does not match its stored leaf hash: the entry was changed`
          : `tree node ${node.level}/${node.index} (entries ${first} to ${last}) does not match the entries`,
      );
  }
}

function checkCheckpoint(v: Verification, checkpoint: typeof auditCheckpoints.$inferSelect, root: Buffer): void {
  try {
    const opened = v.verifier.open(checkpoint.note, v.origin);
    if (opened.size !== checkpoint.treeSize || !opened.rootHash.equals(Buffer.from(checkpoint.rootHash)))
      report(v, null, `checkpoint of ${checkpoint.treeSize} entries: its columns differ from its signed note`);
    if (!opened.rootHash.equals(root)) {
      v.failing.push(checkpoint.treeSize);
      const firstSuspect = v.problems.find((p) => p.seq !== null)?.seq;
      report(
        v,
        firstSuspect ?? null,
        `checkpoint of ${checkpoint.treeSize} entries: the entries no longer hash to its signed root`,
      );
    } else v.holding.push(checkpoint.treeSize);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    report(v, null, `checkpoint of ${checkpoint.treeSize} entries: ${error.message}`);
  }
}

function checkTrustedRoot(v: Verification, t: TrustedRoot, root: Buffer): void {
  if (t.rootHash.equals(root)) {
    v.holding.push(t.size);
    return;
  }
  v.failing.push(t.size);
  report(v, null, `the checkpoint of ${t.size} entries in ${t.source}: the entries no longer hash to its signed root`);
}

/** Between the largest checkpoint that holds below the first that fails, and that one: where the rewrite is. */
function rewrittenRange(v: Verification): { from: number; to: number } | null {
  if (v.failing.length === 0) return null;
  const firstFailing = Math.min(...v.failing);
  const below = v.holding.filter((s) => s < firstFailing);
  return { from: below.length > 0 ? Math.max(...below) : 0, to: firstFailing - 1 };
}

function finish(v: Verification, size: number, started: number, trusted = 0): AuditVerificationReport {
  const seconds = (performance.now() - started) / 1000;
  const seqs = v.problems.map((p) => p.seq).filter((s): s is number => s !== null);
  const rewritten = rewrittenRange(v);
  // Entries rewritten together with every hash above them leave nothing to name but the checkpoints around them.
  if (rewritten && !seqs.some((seq) => seq >= rewritten.from && seq <= rewritten.to))
    report(
      v,
      null,
      rewritten.from === 0
        ? `entries 0 to ${rewritten.to} were changed: the checkpoint of ${rewritten.to + 1} entries no longer holds, and none before it was kept`
        : `entries ${rewritten.from} to ${rewritten.to} were changed: the checkpoint of ${rewritten.from} entries still holds, the one of ${rewritten.to + 1} does not`,
    );
  const signed = Math.max(0, ...v.holding, ...v.failing);
  return {
    ok: v.problems.length === 0,
    entries: size,
    checkpoints: v.checkpointsChecked,
    trustedCheckpoints: trusted,
    unwitnessed: v.unwitnessed,
    unsigned: Math.max(0, size - signed),
    rewritten,
    rootHash: v.frontier.root().toString('base64'),
    problems: v.problems,
    firstBadEntry: seqs.length > 0 ? Math.min(...seqs) : null,
    seconds,
    leavesPerSecond: seconds > 0 ? Math.round(v.frontier.size / seconds) : 0,
  };
}
