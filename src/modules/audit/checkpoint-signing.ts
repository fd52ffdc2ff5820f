import { and, asc, desc, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { auditCheckpoints, auditEntries } from './audit.tables.ts';
import { type AuditLog, appendLock, type StoredCheckpoint } from './audit-log.ts';
import type { CheckpointHistory } from './checkpoint-history.ts';
import { leafHash } from './merkle.ts';
import { CheckpointError, type CheckpointSigner, CheckpointVerifier } from './signed-checkpoint.ts';
import { cosignedCheckpoint } from './witness-cosigning.ts';

/**
 * INVARIANT: LEDS never signs a log it has not checked. Before a checkpoint is signed (at start, on the timer, by
 * the CLI) the log is proved consistent with the largest checkpoint already signed, whether the database or the
 * history outside it holds it, and the new root is recomputed from the entries added since, not taken from the
 * stored tree. A log rolled back, rewritten, or missing checkpoints gets no signature; the refusal says why.
 */

export interface CheckpointSigning {
  /** The checkpoint signed now, undefined when the newest one already covered the log or signing was refused. */
  signed?: StoredCheckpoint;
  /** Why nothing was signed, when the log failed the check. */
  refused?: string;
}

interface SigningDeps {
  db: Database;
  log: AuditLog;
  signer: CheckpointSigner;
  history: CheckpointHistory;
  origin: string;
  memory: SigningMemory;
}

/** A checkpoint the log must extend: where it was found, its size and its signed root. */
interface Reference {
  source: string;
  size: number;
  rootHash: Buffer;
}

const chunk = 16_384;

/**
 * What this process has already checked, so that each signing checks only what is new: the checkpoint rows up to
 * `rowsOpenedUpTo` opened with the log's key, and the first `historyLinesFound` of the history's checkpoints found
 * in the database.
 */
export interface SigningMemory {
  rowsOpenedUpTo: number;
  historyLinesFound: number;
}

export const newSigningMemory = (): SigningMemory => ({ rowsOpenedUpTo: 0, historyLinesFound: 0 });

/**
 * Signs the log as it stands once it passes the checks. `full` (the CLI) recomputes every leaf from the entries,
 * so that an entry changed without its hashes is refused too; the server's timer recomputes only the new ones.
 */
export async function signCheckedCheckpoint(
  deps: SigningDeps,
  now: Date,
  options: { full?: boolean } = {},
): Promise<CheckpointSigning> {
  const verifier = new CheckpointVerifier(deps.signer.verifierKey);
  // The history's largest checkpoint is read before the lock: the file is this process's to append to.
  const fromHistory = deps.history.largest();
  const outcome = await deps.db.transaction(async (txn): Promise<CheckpointSigning> => {
    const tx = txn as unknown as Database;
    await tx.execute(sql`select pg_advisory_xact_lock(${appendLock})`);
    const size = await deps.log.storedSize(tx);
    const [newest] = await tx.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.treeSize)).limit(1);
    const references: Reference[] = [];
    try {
      await openNewRows(tx, deps, verifier);
      await historyKeptInDatabase(tx, deps);
      if (newest) references.push(reference('the database', newest.note, verifier, deps.origin, newest.treeSize));
      if (fromHistory) references.push(reference(deps.history.file, fromHistory.note, verifier, deps.origin));
    } catch (error) {
      if (error instanceof CheckpointError) return { refused: error.message };
      throw error;
    }
    for (const ref of references) {
      const problem = await inconsistency(tx, deps.log, ref, size);
      if (problem) return { refused: problem };
    }
    const base = references.reduce<Reference | undefined>((a, b) => (a && a.size >= b.size ? a : b), undefined);
    if (size === 0 || (newest && newest.treeSize === size && !options.full)) return {};
    const computed = await rootFromEntries(tx, deps.log, options.full ? undefined : base, size, references);
    if (typeof computed === 'string') return { refused: computed };
    if (newest && newest.treeSize === size) return {};
    const checkpoint = {
      treeSize: size,
      rootHash: computed,
      note: deps.signer.sign({ origin: deps.origin, size, rootHash: computed }),
      signedAt: now,
    };
    await tx.insert(auditCheckpoints).values(checkpoint);
    return { signed: checkpoint };
  });
  // Kept outside the database once the row has committed. Were it written first and the commit then failed, the
  // history would hold a checkpoint the database never had, and every later signing would be refused for it.
  if (outcome.signed)
    deps.history.append({ treeSize: outcome.signed.treeSize, note: outcome.signed.note, signedAt: now.toISOString() });
  return outcome;
}

/**
 * Every checkpoint row this process has not opened yet (all of them at its first signing) must be signed by the
 * log's key and say in its columns what its note says: a stray or altered row anywhere is refused, not only the
 * newest.
 */
async function openNewRows(tx: Database, deps: SigningDeps, verifier: CheckpointVerifier): Promise<void> {
  const rows = await tx
    .select()
    .from(auditCheckpoints)
    .where(gt(auditCheckpoints.treeSize, deps.memory.rowsOpenedUpTo))
    .orderBy(asc(auditCheckpoints.treeSize));
  for (const row of rows) {
    const opened = reference(`the database (row of ${row.treeSize})`, row.note, verifier, deps.origin, row.treeSize);
    if (!opened.rootHash.equals(Buffer.from(row.rootHash)))
      throw new CheckpointError(`the checkpoint row of ${row.treeSize} entries holds a root its note does not`);
  }
  const last = rows.at(-1);
  if (last) deps.memory.rowsOpenedUpTo = last.treeSize;
}

/**
 * Every checkpoint the history holds must still be in the database: one missing was deleted. A line cut short at
 * the end is a write the process did not finish only if it begins a checkpoint the database holds; then it is
 * mended. Otherwise it may be a checkpoint cut to hide it, and nothing is signed.
 */
async function historyKeptInDatabase(tx: Database, deps: SigningDeps): Promise<void> {
  const { history, memory } = deps;
  if (history.torn !== '') {
    const rows = await tx
      .select()
      .from(auditCheckpoints)
      .where(gt(auditCheckpoints.treeSize, history.largest()?.treeSize ?? -1))
      .orderBy(asc(auditCheckpoints.treeSize));
    const lines = await Promise.all(
      rows.flatMap((row) => [
        { treeSize: row.treeSize, note: row.note, signedAt: row.signedAt.toISOString() },
        cosignedCheckpoint(tx, { ...row, rootHash: Buffer.from(row.rootHash) }).then((note) => ({
          treeSize: row.treeSize,
          note,
          signedAt: row.signedAt.toISOString(),
        })),
      ]),
    );
    const whole = lines.find((line) => JSON.stringify(line).startsWith(history.torn));
    if (!whole)
      throw new CheckpointError(
        `${history.file} ends in a line cut short that begins no checkpoint the database holds: a checkpoint may have been cut from it`,
      );
    history.repairTail(whole);
  }
  // Only the lines read since the last signing: the history grows by a line or two a checkpoint.
  const unconfirmed = [...new Set(history.sizes.slice(memory.historyLinesFound))];
  for (let i = 0; i < unconfirmed.length; i += 1000) {
    const wanted = unconfirmed.slice(i, i + 1000);
    const found = new Set(
      (
        await tx
          .select({ treeSize: auditCheckpoints.treeSize })
          .from(auditCheckpoints)
          .where(inArray(auditCheckpoints.treeSize, wanted))
      ).map((r) => r.treeSize),
    );
    const missing = wanted.find((s) => !found.has(s));
    if (missing !== undefined)
      throw new CheckpointError(
        `the checkpoint of ${missing} entries in ${history.file} is missing from the database: checkpoints were deleted`,
      );
  }
  memory.historyLinesFound = history.sizes.length;
}

/** Opens a stored checkpoint with the log's own key; a row whose columns and note differ is refused too. */
function reference(source: string, note: string, verifier: CheckpointVerifier, origin: string, column?: number) {
  let opened: ReturnType<CheckpointVerifier['open']>;
  try {
    opened = verifier.open(note, origin);
  } catch (error) {
    if (error instanceof CheckpointError)
      throw new CheckpointError(`the checkpoint in ${source} does not verify: ${error.message}`);
    throw error;
  }
  if (column !== undefined && column !== opened.size)
    throw new CheckpointError(`the checkpoint in ${source} says ${opened.size} entries, its row ${column}`);
  return { source, size: opened.size, rootHash: opened.rootHash };
}

/** Why the stored log does not extend the reference checkpoint, or undefined when it does. */
async function inconsistency(tx: Database, log: AuditLog, ref: Reference, size: number): Promise<string | undefined> {
  if (ref.size > size)
    return `the log holds ${size} entries, but a checkpoint of ${ref.size} was signed (${ref.source}): the log was rolled back`;
  if (ref.size === 0) return undefined;
  const root = (await log.loadFrontier(tx, ref.size)).root();
  if (!root.equals(ref.rootHash))
    return `the log is not consistent with the signed checkpoint of ${ref.size} entries (${ref.source}): entries before it were rewritten`;
  return undefined;
}

/**
 * The root of the log at `size`, from the right edge at `base` (checked against its signed root) and the leaf
 * hashes of the entries after it, recomputed here; on the way, each reference's root at its size. A string when
 * the entries, the stored nodes or a signed root disagree.
 */
async function rootFromEntries(
  tx: Database,
  log: AuditLog,
  base: Reference | undefined,
  size: number,
  references: readonly Reference[],
): Promise<Buffer | string> {
  const from = base?.size ?? 0;
  const frontier = await log.loadFrontier(tx, from);
  const checkAt = new Map(references.filter((r) => r.size > from).map((r) => [r.size, r]));
  for (let start = from; start < size; start += chunk) {
    const end = Math.min(start + chunk, size);
    const rows = await tx
      .select({ seq: auditEntries.seq, entry: auditEntries.entry })
      .from(auditEntries)
      .where(and(gte(auditEntries.seq, start), lt(auditEntries.seq, end)))
      .orderBy(asc(auditEntries.seq));
    for (const [i, row] of rows.entries()) {
      if (row.seq !== start + i) return `entry ${start + i} is missing: the log cannot be signed past it`;
      frontier.append(leafHash(row.entry));
      const ref = checkAt.get(frontier.size);
      if (ref && !frontier.root().equals(ref.rootHash))
        return `the entries no longer give the signed root of the checkpoint of ${ref.size} entries (${ref.source}): entries before it were changed`;
    }
    if (rows.length !== end - start) return `entry ${start + rows.length} is missing: the log cannot be signed past it`;
  }
  const computed = frontier.root();
  if (!computed.equals(await log.rootAt(size, tx)))
    return `the stored tree does not match entries ${from} to ${size - 1}: the log was changed since its last checkpoint`;
  return computed;
}
