/**
 * A duty cycle for background work in the serving process. On PGlite there is one connection, and its queries run
 * on the event loop: a job that runs query after query, or holds one long transaction, leaves every request
 * waiting behind it (issue 12: a purpose declared in 88 s, a search in 133 s, whose handlers took under 1 s). So a
 * job works in slices of at most `sliceMs`, and after each slice pauses `pauseMs`, in which queued requests run.
 */
export interface TimeSliceSettings {
  /** Most milliseconds of work before the job pauses. */
  sliceMs: number;
  /** Milliseconds the job then leaves to requests. */
  pauseMs: number;
}

/** Waits on a timer, so the requests that queued during a slice (their I/O and their queries) run first. */
const pauseOnTimer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TimeSlices {
  private sliceStarted: number;
  private pausesTaken = 0;

  /**
   * @param now milliseconds from the clock the job is given (tests move it by hand)
   * @param pause waits between slices; tests count the pauses instead of waiting
   */
  constructor(
    private readonly settings: TimeSliceSettings,
    private readonly now: () => number,
    private readonly pause: (ms: number) => Promise<void> = pauseOnTimer,
  ) {
    this.sliceStarted = now();
  }

  /** Milliseconds of work done in the slice under way. */
  spentMs(): number {
    return this.now() - this.sliceStarted;
  }

  /** Whether the slice under way has used its budget. */
  spent(): boolean {
    return this.spentMs() >= this.settings.sliceMs;
  }

  /** Pauses once the slice's budget is used, then starts the next slice; returns whether it paused. */
  async yieldWhenSpent(): Promise<boolean> {
    if (!this.spent()) return false;
    await this.pause(this.settings.pauseMs);
    this.pausesTaken += 1;
    this.sliceStarted = this.now();
    return true;
  }

  /** How many times the job has paused for requests. */
  get pauses(): number {
    return this.pausesTaken;
  }

  /**
   * The size of the next unit of work, so that one unit fits in a slice: halved when the last took longer than a
   * slice, doubled when it took under a quarter of one, between 1 and `largest`.
   */
  nextSize(size: number, tookMs: number, largest: number): number {
    if (tookMs > this.settings.sliceMs) return Math.max(1, Math.floor(size / 2));
    if (tookMs < this.settings.sliceMs / 4) return Math.min(largest, size * 2);
    return Math.min(largest, size);
  }
}
