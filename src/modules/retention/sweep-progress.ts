import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';

/** The counts a sweep has reached; no person data, so they go on the desk and in the log as they are. */
export interface SweepCounts {
  people: number;
  changed: number;
  destroyed: number;
  reviewsDue: number;
}

export interface SweepProgressView {
  /** The sweep under way in this process, with the people it expects to walk through. */
  running?: SweepCounts & { startedAt: string; total: number };
  /** The last sweep this process finished since it started. */
  last?: SweepCounts & { startedAt: string; endedAt: string; stoppedEarly: boolean };
}

/**
 * Where the retention sweep of this process stands (issue 12): shown on `/retention` and logged while it runs,
 * so an officer on a first start sees why the desk is still filling and an operator sees the sweep move.
 */
export class SweepProgress {
  private running?: NonNullable<SweepProgressView['running']>;
  private last?: SweepProgressView['last'];

  /**
   * A sweep starts. Its total is the people with decisions stored, from the retention module's own table: close
   * to everyone once ingest or seeding has decided their items; the count shown never falls below what was done.
   */
  async begin(db: Database, at: Date): Promise<void> {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(DISTINCT person_id)::int AS n FROM retention_decisions`,
    );
    this.running = {
      startedAt: at.toISOString(),
      total: row?.n ?? 0,
      people: 0,
      changed: 0,
      destroyed: 0,
      reviewsDue: 0,
    };
  }

  advance(counts: SweepCounts): void {
    if (!this.running) return;
    const { people, changed, destroyed, reviewsDue } = counts;
    this.running = {
      ...this.running,
      people,
      changed,
      destroyed,
      reviewsDue,
      total: Math.max(this.running.total, people),
    };
  }

  finish(counts: SweepCounts & { stoppedEarly?: boolean }, at: Date): void {
    const { people, changed, destroyed, reviewsDue } = counts;
    this.last = {
      startedAt: this.running?.startedAt ?? at.toISOString(),
      endedAt: at.toISOString(),
      people,
      changed,
      destroyed,
      reviewsDue,
      stoppedEarly: counts.stoppedEarly === true,
    };
    this.running = undefined;
  }

  /** A sweep that failed part way is no longer running; the last finished one stays as it was. */
  abandon(): void {
    this.running = undefined;
  }

  view(): SweepProgressView {
    return { running: this.running && { ...this.running }, last: this.last && { ...this.last } };
  }
}

const count = (n: number) => n.toLocaleString('en-GB');
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The desk's line about the sweep: the one running, else the last one this process finished, else nothing. */
export function describeSweep(view: SweepProgressView): string | undefined {
  if (view.running) {
    const r = view.running;
    return `Retention sweep running: ${count(r.people)} of ${count(r.total)} people, ${count(r.changed)} decisions changed, ${count(r.destroyed)} records destroyed so far (started ${minute(r.startedAt)}). The items below are those decided so far.`;
  }
  if (view.last) {
    const l = view.last;
    return `Last retention sweep ${l.stoppedEarly ? 'stopped' : 'ended'} ${minute(l.endedAt)}: ${count(l.people)} people, ${count(l.changed)} decisions changed, ${count(l.destroyed)} records destroyed, ${count(l.reviewsDue)} reviews due.`;
  }
  return undefined;
}
