/**
 * The in-process scheduler: runs each job every so many seconds, never two runs of one job at once in this
 * process. Jobs are safe to run from several LEDS processes at once: each takes PostgreSQL locks for its own
 * work (checkpoint signing takes the audit log's append lock and skips a size already signed).
 */
export class JobScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly report: (job: string, error: unknown) => void) {}

  every(job: string, seconds: number, run: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const done = run()
        .catch((error: unknown) => this.report(job, error))
        .finally(() => {
          busy = false;
          this.running.delete(done);
        });
      this.running.add(done);
    }, seconds * 1000);
    timer.unref();
    this.timers.push(timer);
  }

  /** Stops the timers and waits for runs under way, so the database is not closed beneath them. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([...this.running]);
  }
}
