import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Every signed checkpoint, and each checkpoint again once witnesses have cosigned it, appended to a file outside
 * the database: `checkpoints.jsonl` in LEDS_AUDIT_CHECKPOINT_HISTORY_DIR, one JSON object a line. Someone who can
 * rewrite the database can delete its checkpoint rows; they cannot take back a copy of this file kept elsewhere,
 * and `leds audit verify --history` proves the log consistent with every checkpoint in it.
 */

export interface HistoryCheckpoint {
  treeSize: number;
  /** The signed note: the log's signature, and the witnesses' cosignatures once they have given them. */
  note: string;
  signedAt: string;
}

export class CheckpointHistoryError extends Error {}

export class CheckpointHistory {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'checkpoints.jsonl');
  }

  /** Appends one checkpoint and waits for it to reach the disk, so a checkpoint signed is a checkpoint kept. */
  append(checkpoint: HistoryCheckpoint): void {
    mkdirSync(this.dir, { recursive: true });
    const fd = openSync(this.file, 'a', 0o644);
    try {
      writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  /** Every checkpoint in the file, in the order written; an empty list when there is no file yet. */
  read(): HistoryCheckpoint[] {
    return this.exists() ? parseHistory(readFileSync(this.file, 'utf8'), this.file) : [];
  }

  /**
   * The largest checkpoint in the file, undefined when there is none. The file is read once, then only what was
   * appended since (by this process or another on the same folder, such as `leds audit checkpoint`); a file that
   * shrank was cut, which is an error.
   */
  largest(): HistoryCheckpoint | undefined {
    const size = this.exists() ? statSync(this.file).size : 0;
    if (size < this.readUpTo) throw new CheckpointHistoryError(`${this.file} is shorter than when it was last read`);
    if (size > this.readUpTo) {
      const fd = openSync(this.file, 'r');
      const bytes = Buffer.alloc(size - this.readUpTo);
      try {
        readSync(fd, bytes, 0, bytes.length, this.readUpTo);
      } finally {
        closeSync(fd);
      }
      const complete = bytes.lastIndexOf(0x0a) + 1;
      for (const checkpoint of parseHistory(bytes.subarray(0, complete).toString('utf8'), this.file)) {
        if (!this.largestRead || checkpoint.treeSize >= this.largestRead.treeSize) this.largestRead = checkpoint;
        this.sizesRead.push(checkpoint.treeSize);
      }
      this.readUpTo += complete;
      this.tornTail = bytes.subarray(complete).toString('utf8');
    } else if (size === this.readUpTo) this.tornTail = '';
    return this.largestRead;
  }

  /** Every size the file holds a checkpoint of, in the file's order, as last read by `largest()`. */
  get sizes(): readonly number[] {
    return this.sizesRead;
  }

  /**
   * What follows the last complete line, as last read by `largest()`: empty unless a write was cut short, or
   * someone cut the file to hide its newest checkpoint (the signing tells the two apart by the database's rows).
   */
  get torn(): string {
    return this.tornTail;
  }

  /** Replaces a line cut short by the whole line it began, once the database has shown which that was. */
  repairTail(checkpoint: HistoryCheckpoint): void {
    truncateSync(this.file, this.readUpTo);
    this.tornTail = '';
    this.append(checkpoint);
  }

  private readUpTo = 0;
  private largestRead: HistoryCheckpoint | undefined;
  private readonly sizesRead: number[] = [];
  private tornTail = '';
}

/** What a history text holds after its last complete line: a line cut short, or nothing. */
export function historyTail(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/**
 * A history's lines. A last line cut short (the process died while writing it) is left out, since the fsync
 * that would have kept it never returned; a bad line anywhere else is an error, because the file was changed.
 */
export function parseHistory(text: string, source: string): HistoryCheckpoint[] {
  const lines = text.split('\n');
  const torn = lines.at(-1) !== '';
  return lines.flatMap((line, i) => {
    if (line === '') return [];
    try {
      const value = JSON.parse(line) as Partial<HistoryCheckpoint>;
      if (!Number.isSafeInteger(value.treeSize) || typeof value.note !== 'string' || typeof value.signedAt !== 'string')
        throw new Error('not a checkpoint');
      return [value as HistoryCheckpoint];
    } catch {
      if (torn && i === lines.length - 1) return [];
      throw new CheckpointHistoryError(`${source}, line ${i + 1}: not a checkpoint of the history`);
    }
  });
}
