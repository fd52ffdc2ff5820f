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

  it('starts a first run at once when asked, and tells a run under way to stop when the server stops', async () => {
    const scheduler = new JobScheduler(() => {});
    let signal: AbortSignal | undefined;
    let finish: (() => void) | undefined;
    scheduler.every(
      'sweep',
      3600,
      (stop) => {
        signal = stop;
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
      { now: true },
    );
    assert.ok(signal, 'the first run started without waiting an hour');
    assert.equal(signal.aborted, false);
    const stopping = scheduler.stop();
    assert.equal(signal.aborted, true, 'the run is told to stop at its next safe point');
    finish?.();
    await stopping;
  });
});
