import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { JobScheduler } from './scheduler.ts';

describe('job scheduler', () => {
  it('runs a job every interval, never two runs at once, reports failures, and waits for a run on stop', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const failures: string[] = [];
      const scheduler = new JobScheduler((job, error) => failures.push(`${job}: ${(error as Error).message}`));
      let runs = 0;
      let finish: (() => void) | undefined;
      scheduler.every('slow', 60, () => {
        runs += 1;
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      });
      scheduler.every('broken', 60, async () => {
        throw new Error('database gone');
      });
      const settle = () => new Promise((resolve) => setImmediate(resolve));
      mock.timers.tick(60_000);
      await settle();
      mock.timers.tick(60_000); // the slow run has not finished, so it is not started again
      await settle();
      assert.equal(runs, 1);
      assert.deepEqual(failures, ['broken: database gone', 'broken: database gone']);
      let stopped = false;
      const stopping = scheduler.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(stopped, false, 'stop waits for the run under way');
      finish?.();
      await stopping;
      mock.timers.tick(600_000);
      assert.equal(runs, 1, 'no run after stop');
    } finally {
      mock.timers.reset();
    }
  });
});
