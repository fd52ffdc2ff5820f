import { and, asc, desc, gte, lt, sql } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { auditCheckpoints, auditEntries } from './audit.tables.ts';
import { type AuditLog, appendLock, type StoredCheckpoint } from './audit-log.ts';
import type { CheckpointHistory } from './checkpoint-history.ts';
import { leafHash } from './merkle.ts';
import { CheckpointError, type CheckpointSigner, CheckpointVerifier } from './signed-checkpoint.ts';

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
}

/** A checkpoint the log must extend: where it was found, its size and its signed root. */
interface Reference {
  source: string;
  size: number;
  rootHash: Buffer;
}

const chunk = 16_384;

export async function signCheckedCheckpoint(deps: SigningDeps, now: Date): Promise<CheckpointSigning> {
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
    if (fromHistory && (!newest || newest.treeSize < fromHistory.treeSize))
      return {
        refused: `the checkpoint of ${fromHistory.treeSize} entries in ${deps.history.file} is missing from the database: checkpoints were deleted`,
      };
    const base = references.reduce<Reference | undefined>((a, b) => (a && a.size >= b.size ? a : b), undefined);
    if (size === 0 || (newest && newest.treeSize === size)) return {};
    const computed = await rootFromEntries(tx, deps.log, base, size);
    if (typeof computed === 'string') return { refused: computed };
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

/** Opens a stored checkpoint with the log's own key; a row whose columns and note differ is refused too. */
function reference(source: string, note: string, verifier: CheckpointVerifier, origin: string, column?: number) {
  let opened: ReturnType<CheckpointVerifier['open']>;
  try {
    opened = verifier.open(note, origin);
  } catch (error) {
    if (error instanceof CheckpointError)
      throw new CheckpointError(`the newest checkpoint in ${source} does not verify: ${error.message}`);
    throw error;
  }
  if (column !== undefined && column !== opened.size)
    throw new CheckpointError(`the newest checkpoint in ${source} says ${opened.size} entries, its row ${column}`);
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
 * The root of the log at `size`, from the reference's right edge (checked against its signed root) and the leaf
 * hashes of the entries after it, recomputed here. A string when the entries or the stored nodes disagree.
 */
async function rootFromEntries(
  tx: Database,
  log: AuditLog,
  base: Reference | undefined,
  size: number,
): Promise<Buffer | string> {
  const from = base?.size ?? 0;
  const frontier = await log.loadFrontier(tx, from);
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
    }
    if (rows.length !== end - start) return `entry ${start + rows.length} is missing: the log cannot be signed past it`;
  }
  const computed = frontier.root();
  if (!computed.equals(await log.rootAt(size, tx)))
    return `the stored tree does not match entries ${from} to ${size - 1}: the log was changed since its last checkpoint`;
  return computed;
}
