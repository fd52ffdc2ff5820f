import type { RetentionConfig } from '../../config/config.ts';
import { TimeSlices } from '../../jobs/time-slices.ts';
import type { Clock } from '../../platform/clock.ts';

/** Where a sweep starts its batch size when none is given: small, so the first query fits a slice. */
const firstBatchSize = 16;

/**
 * The sweep's pace (issue 12): people and deletions in units sized to fit a time slice, and a pause for
 * requests after each slice. A caller that names a batch size (the tests, `leds retention sweep --batch-size`)
 * keeps it; otherwise the sizes follow how long the last unit took, between 1 and the configured most.
 */
export class SweepPacing {
  readonly slices: TimeSlices;
  private people: number;
  private deletions: number;
  private unitStarted: number;

  constructor(
    private readonly settings: RetentionConfig,
    private readonly clock: Clock,
    private readonly fixedBatchSize?: number,
    pause?: (ms: number) => Promise<void>,
  ) {
    const now = () => clock.now().getTime();
    this.slices = new TimeSlices({ sliceMs: settings.sweepSliceMs, pauseMs: settings.sweepPauseMs }, now, pause);
    this.people = fixedBatchSize ?? Math.min(firstBatchSize, settings.sweepBatchSize);
    this.deletions = Math.min(firstBatchSize, settings.deletionBatchSize);
    this.unitStarted = now();
  }

  private took(): number {
    const now = this.clock.now().getTime();
    const took = now - this.unitStarted;
    this.unitStarted = now;
    return took;
  }

  /** People in the next batch. */
  batchSize(): number {
    return this.people;
  }

  /** Items in the next deletion transaction. */
  deletionSize(): number {
    return this.deletions;
  }

  /** Marks where a unit of work begins, so the time before it (a pause, other work) is not counted against it. */
  startUnit(): void {
    this.unitStarted = this.clock.now().getTime();
  }

  /** After a batch's people are decided: the next batch sized by how long this one's reads and writes took. */
  afterPeople(): void {
    const took = this.took();
    if (this.fixedBatchSize === undefined)
      this.people = this.slices.nextSize(this.people, took, this.settings.sweepBatchSize);
  }

  /** After a deletion transaction: the same for deletions, so no transaction holds the database long. */
  async afterDeletion(): Promise<void> {
    this.deletions = this.slices.nextSize(this.deletions, this.took(), this.settings.deletionBatchSize);
    await this.slices.yieldWhenSpent();
    this.startUnit();
  }

  /** Between batches: a pause for requests once the slice is used. */
  async betweenBatches(): Promise<void> {
    await this.slices.yieldWhenSpent();
    this.startUnit();
  }
}
