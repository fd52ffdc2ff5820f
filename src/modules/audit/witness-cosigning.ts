import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { auditCheckpoints, auditCosignatures } from './audit.tables.ts';
import type { AuditLog, StoredCheckpoint } from './audit-log.ts';
import type { CheckpointHistory } from './checkpoint-history.ts';
import { CheckpointError } from './signed-checkpoint.ts';
import { NoteFormatError, parseSignatureLines, parseSignedNote } from './signed-note.ts';
import { CosignatureVerifier } from './witness-cosignature.ts';

/**
 * The log's side of c2sp.org/tlog-witness: each configured witness is sent the newest checkpoint with a
 * consistency proof from the last one it cosigned, and its cosignature is checked and kept (in the database and,
 * with the checkpoint, in the history outside it). A witness that refuses says the log is not what it saw before:
 * that is reported, never worked around.
 */

export interface Witness {
  url: string;
  verifier: CosignatureVerifier;
}

export function witnessesOf(settings: { witnesses: { url: string; verifierKey: string }[] }): Witness[] {
  return settings.witnesses.map(({ url, verifierKey }) => {
    try {
      return { url, verifier: new CosignatureVerifier(verifierKey) };
    } catch (error) {
      throw new CheckpointError(`LEDS_AUDIT_WITNESSES: ${url}: ${(error as Error).message}`);
    }
  });
}

interface CosigningDeps {
  db: Database;
  log: AuditLog;
  history: CheckpointHistory;
  witnesses: readonly Witness[];
  timeoutMs: number;
}

export interface Cosigning {
  /** Witnesses whose cosignature the newest checkpoint carries. */
  cosignedBy: string[];
  problems: string[];
}

/**
 * Asks every witness to cosign the newest checkpoint, and keeps what they give. With `keep: false` (the verifier)
 * nothing is stored and no row is trusted: each witness is asked from size 0, so its own answer says what it has
 * seen, and a log rolled back or rewritten behind the database's back is refused by it.
 */
export async function requestCosignatures(
  deps: CosigningDeps,
  now: Date,
  options: { keep?: boolean } = {},
): Promise<Cosigning> {
  const keep = options.keep ?? true;
  const [newest] = await deps.db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.treeSize)).limit(1);
  if (!newest || deps.witnesses.length === 0) return { cosignedBy: [], problems: [] };
  const checkpoint = { ...newest, rootHash: Buffer.from(newest.rootHash) };
  const results = await Promise.all(deps.witnesses.map((witness) => cosignedBy(deps, witness, checkpoint, now, keep)));
  const problems = results.filter((r): r is { problem: string } => 'problem' in r).map((r) => r.problem);
  const fresh = results.filter((r): r is { line: string; fresh: boolean } => 'line' in r && r.fresh);
  if (fresh.length > 0 && keep) {
    deps.history.append({
      treeSize: checkpoint.treeSize,
      note: await cosignedCheckpoint(deps.db, checkpoint),
      signedAt: checkpoint.signedAt.toISOString(),
    });
  }
  const cosigned = deps.witnesses.filter((_, i) => 'line' in (results[i] as object)).map((w) => w.verifier.name);
  return { cosignedBy: cosigned, problems };
}

type WitnessResult = { line: string; fresh: boolean } | { problem: string };

async function cosignedBy(
  deps: CosigningDeps,
  witness: Witness,
  checkpoint: StoredCheckpoint,
  now: Date,
  keep: boolean,
): Promise<WitnessResult> {
  const key = witness.verifier.verifierKey;
  const kept = keep
    ? await deps.db
        .select()
        .from(auditCosignatures)
        .where(eq(auditCosignatures.witnessKey, key))
        .orderBy(desc(auditCosignatures.treeSize))
        .limit(1)
    : [];
  const name = `witness ${witness.verifier.name} (${witness.url})`;
  const keptSize = kept[0]?.treeSize ?? 0;
  if (keptSize > checkpoint.treeSize)
    return {
      problem: `${name} cosigned ${keptSize} entries, but the newest checkpoint is of ${checkpoint.treeSize}: the log was rolled back`,
    };
  try {
    // Sent even when this checkpoint was cosigned already: only the witness can say it has since seen a larger
    // tree, which is how a log rolled back to an old, cosigned size is caught.
    let old = keptSize;
    let answer = await submit(deps, witness, checkpoint, old);
    // The witness's own record of what it last cosigned wins over the database's: a row may be missing.
    if (answer.status === 409 && answer.sizeTold !== undefined && answer.sizeTold !== old) {
      if (answer.sizeTold > checkpoint.treeSize)
        return {
          problem: `${name} has cosigned ${answer.sizeTold} entries, but the log holds ${checkpoint.treeSize}: the log was rolled back`,
        };
      old = answer.sizeTold;
      answer = await submit(deps, witness, checkpoint, old);
    }
    if (answer.status !== 200)
      return {
        problem: `${name} refused the checkpoint of ${checkpoint.treeSize} entries (${answer.status}): ${quoted(answer.body)}`,
      };
    const line = checkedCosignature(witness, checkpoint, answer.body);
    if (!keep) return { line, fresh: false };
    if (kept[0]?.treeSize === checkpoint.treeSize) return { line: kept[0].line, fresh: false };
    await deps.db
      .insert(auditCosignatures)
      .values({ treeSize: checkpoint.treeSize, witnessKey: key, line, cosignedAt: now })
      .onConflictDoNothing();
    return { line, fresh: true };
  } catch (error) {
    return { problem: `${name}: ${quoted((error as Error).message)}` };
  }
}

/** A witness's words, shortened and escaped: they go to the log and the auditor console, and are not ours. */
const quoted = (text: string) => JSON.stringify(text.trim().slice(0, 200));

/** Most of a witness's answer read: a cosignature is a line; anything longer is cut off, not read whole. */
const maxAnswerBytes = 64 * 1024;

async function cappedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    if (bytes > maxAnswerBytes) {
      await reader.cancel();
      throw new CheckpointError(`its answer is longer than ${maxAnswerBytes} bytes`);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function submit(deps: CosigningDeps, witness: Witness, checkpoint: StoredCheckpoint, old: number) {
  const proof = old === 0 ? [] : await deps.log.consistencyProof(old, checkpoint.treeSize);
  const body = `old ${old}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${checkpoint.note}`;
  const response = await fetch(`${witness.url}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body,
    // A witness that redirects is not followed: LEDS would post its checkpoint wherever it was sent, and quote back
    // what that address answered.
    redirect: 'error',
    signal: AbortSignal.timeout(deps.timeoutMs),
  });
  const text = await cappedText(response);
  const sizeTold =
    response.status === 409 &&
    response.headers.get('content-type')?.startsWith('text/x.tlog.size') &&
    /^\d+\n$/.test(text)
      ? Number(text)
      : undefined;
  return { status: response.status, body: text, sizeTold };
}

/** The witness's signature line for this checkpoint, checked with its key; anything else is an error. */
function checkedCosignature(witness: Witness, checkpoint: StoredCheckpoint, body: string): string {
  try {
    const { text } = parseSignedNote(checkpoint.note);
    const signatures = parseSignatureLines(body);
    if (witness.verifier.timestampOf(text, signatures) === undefined)
      throw new CheckpointError('its answer carries no cosignature by its key');
    const ours = signatures.find((s) => s.name === witness.verifier.name && s.keyId.equals(witness.verifier.keyId));
    return ours?.line as string;
  } catch (error) {
    if (error instanceof NoteFormatError)
      throw new CheckpointError(`its answer is not signature lines: ${error.message}`);
    throw error;
  }
}

/** The newest checkpoint with the cosignatures kept for it, as published. */
export async function cosignedCheckpoint(db: Database, checkpoint: StoredCheckpoint): Promise<string> {
  const lines = await db
    .select({ line: auditCosignatures.line })
    .from(auditCosignatures)
    .where(eq(auditCosignatures.treeSize, checkpoint.treeSize))
    .orderBy(auditCosignatures.witnessKey);
  return `${checkpoint.note}${lines.map((l) => `${l.line}\n`).join('')}`;
}
