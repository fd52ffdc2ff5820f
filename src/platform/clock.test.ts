import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCalendarDate } from './clock.ts';

describe('calendar dates', () => {
  it('takes real days written YYYY-MM-DD and nothing else', () => {
    assert.ok(isCalendarDate('2026-11-01'));
    assert.ok(isCalendarDate('2028-02-29'));
    for (const bad of ['2026-02-30', '2027-02-29', '2026-13-01', '26-11-01', '2026-11-01T00:00:00Z', '', 'someday'])
      assert.equal(isCalendarDate(bad), false, bad);
  });
});
