import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeSlices } from './time-slices.ts';

describe('time slices', () => {
  it('pauses only once a slice has used its budget, by the injected clock, and starts the next slice after', async () => {
    let now = 1_000;
    const pauses: number[] = [];
    const slices = new TimeSlices(
      { sliceMs: 50, pauseMs: 20 },
      () => now,
      async (ms) => {
        pauses.push(ms);
        now += ms;
      },
    );
    now += 30;
    assert.equal(await slices.yieldWhenSpent(), false, 'within budget: no pause');
    now += 20;
    assert.equal(await slices.yieldWhenSpent(), true, 'budget used: a pause');
    assert.deepEqual(pauses, [20]);
    assert.equal(slices.spentMs(), 0, 'the pause is not counted against the next slice');
    now += 49;
    assert.equal(await slices.yieldWhenSpent(), false);
    assert.equal(slices.pauses, 1);
  });

  it('sizes the next unit of work to fit a slice: halved when over, doubled when well under, within bounds', () => {
    const slices = new TimeSlices(
      { sliceMs: 40, pauseMs: 0 },
      () => 0,
      async () => {},
    );
    assert.equal(slices.nextSize(100, 41, 2000), 50);
    assert.equal(slices.nextSize(1, 500, 2000), 1);
    assert.equal(slices.nextSize(100, 9, 2000), 200);
    assert.equal(slices.nextSize(1500, 1, 2000), 2000);
    assert.equal(slices.nextSize(100, 20, 2000), 100);
  });
});
