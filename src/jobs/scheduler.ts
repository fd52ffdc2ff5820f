/**
 * The in-process scheduler: runs each job every so many seconds, never two runs of one job at once in this
 * process. Jobs are safe to run from several LEDS processes at once: each takes PostgreSQL locks for its own
 * work (checkpoint signing takes the audit log's append lock and skips a size already signed; the retention
 * sweep holds a job lease).
 */
export class JobScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(private readonly report: (job: string, error: unknown) => void) {}

  /**
   * Runs the job every so many seconds; with `now`, a first run starts at once (in the background). A long job
   * watches the signal and stops at its next safe point when the server stops.
   */
  every(
    job: string,
    seconds: number,
    run: (stop: AbortSignal) => Promise<unknown>,
    options: { now?: boolean } = {},
  ): void {
    let busy = false;
    const start = () => {
      if (busy || this.stopping.signal.aborted) return;
      busy = true;
      const done = run(this.stopping.signal)
        .catch((error: unknown) => this.report(job, error))
        .finally(() => {
          busy = false;
          this.running.delete(done);
        });
      this.running.add(done);
    };
    if (options.now) start();
    const timer = setInterval(start, seconds * 1000);
    timer.unref();
    this.timers.push(timer);
  }

  /** Stops the timers, asks runs under way to stop, and waits for them, so the database is not closed beneath them. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopping.abort();
    await Promise.all([...this.running]);
  }
}
