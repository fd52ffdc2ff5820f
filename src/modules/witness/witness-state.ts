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
    return path.join(this.dir, `${createHash('sha256').update(origin).digest('hex').slice(0, 32)}.json`);
  }

  latest(origin: string): WitnessedCheckpoint | undefined {
    try {
      const state = JSON.parse(readFileSync(this.fileOf(origin), 'utf8')) as WitnessedCheckpoint;
      return state.origin === origin ? state : undefined;
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
  }

  /** Runs `work` with no other check-and-update of this witness in between. */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Keeps a refused submission as possible evidence of a misbehaving log (the spec allows logging it). */
  recordRefusal(refusal: { origin: string; status: number; reason: string; body: string; at: string }): void {
    const fd = openSync(path.join(this.dir, 'refusals.jsonl'), 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(refusal)}\n`);
    } finally {
      closeSync(fd);
    }
  }
}
