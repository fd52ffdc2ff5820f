import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * What a witness remembers of each log: the latest checkpoint it cosigned, one file per origin in its own state
 * folder (never LEDS's database: a witness is an independent party). Written to a new file, synced and renamed
 * over the old one, so a crash leaves the old state or the new, never half of one.
 */

export interface WitnessedCheckpoint {
  origin: string;
  size: number;
  /** Base64 root hash. */
  rootHash: string;
  /** The checkpoint as submitted, with the log's signature. */
  note: string;
  cosignedAt: string;
}

export class WitnessState {
  /** Checks and updates of one origin run one at a time (tlog-witness: the check and the write are atomic). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private fileOf(origin: string): string {
    return path.join(this.dir, `${createHash('sha256').update(origin).digest('hex')}.json`);
  }

  latest(origin: string): WitnessedCheckpoint | undefined {
    try {
      const state = JSON.parse(readFileSync(this.fileOf(origin), 'utf8')) as WitnessedCheckpoint;
      // Fail closed: a state file of another log (a bad restore) must not read as "never seen this log".
      if (state.origin !== origin) throw new Error(`the state file of \`${origin}\` holds \`${state.origin}\``);
      return state;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  save(state: WitnessedCheckpoint): void {
    const file = this.fileOf(state.origin);
    const temporary = `${file}.${process.pid}.new`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
    // The rename is durable only once the folder is: without this a power cut could bring back the older size.
    const folder = openSync(this.dir, 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  }

  /** Runs `work` with no other check-and-update of this witness in between. */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Keeps a submission that proves the log inconsistent (signed by it), once each, in `refusals.jsonl`; at most
   * `maxEvidenceBytes` of them, so that even a log that misbehaves over and over cannot fill the disk.
   */
  recordEvidence(
    evidence: { origin: string; checkpoint: string; oldSize: number; proof: string[] } & Record<string, unknown>,
  ): void {
    const file = path.join(this.dir, 'refusals.jsonl');
    const digest = createHash('sha256')
      .update(JSON.stringify([evidence.origin, evidence.oldSize, evidence.proof, evidence.checkpoint]))
      .digest('hex');
    let kept = '';
    try {
      kept = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (kept.includes(`"digest":"${digest}"`) || Buffer.byteLength(kept) > maxEvidenceBytes) return;
    const fd = openSync(file, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ digest, ...evidence })}\n`);
    } finally {
      closeSync(fd);
    }
  }
}

const maxEvidenceBytes = 16 * 1024 * 1024;
