import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetentionDecision } from './retention.types.ts';
import { plannedReviewDate } from './retention-backlog.ts';

const review = (ruleId: string, dueOn: string, action: RetentionDecision['action'] = 'REVIEW'): RetentionDecision => ({
  personId: 'p',
  itemKind: 'EVENT',
  itemId: 'i',
  ruleId,
  action,
  dueOn,
  reason: '',
  held: false,
});

describe('a historic backlog of reviews is planned (issue 13 item 5)', () => {
  const today = '2026-11-01';
  it('plans only reviews already past due, within the configured months', () => {
    assert.equal(plannedReviewDate(review('MOPI3', '2026-11-01'), today, 24), null, 'due today is not backlog');
    assert.equal(plannedReviewDate(review('MOPI3', '2027-01-01'), today, 24), null);
    assert.equal(plannedReviewDate(review('C9', '2001-01-01', 'DESTROY'), today, 24), null, 'only reviews');
    assert.equal(plannedReviewDate(review('MOPI3', '2001-01-01'), today, 0), null, '0 months: no planning');
    for (const rule of ['MOPI1', 'GAUGHRAN', 'MOPI3'])
      for (const due of ['1950-01-01', '1990-01-01', '2026-10-31']) {
        const planned = plannedReviewDate(review(rule, due), today, 24) as string;
        assert.ok(planned >= today && planned <= '2028-11-01', `${rule} ${due}: ${planned}`);
      }
  });

  it('puts the most serious first, and within each the oldest first', () => {
    const plan = (rule: string, due: string) => plannedReviewDate(review(rule, due), today, 24) as string;
    assert.ok(plan('MOPI1', '2020-01-01') < plan('GAUGHRAN', '1990-01-01'), 'group 1 before indefinite retention');
    assert.ok(plan('GAUGHRAN', '2020-01-01') < plan('MOPI3', '1990-01-01'), 'indefinite retention before group 3');
    assert.ok(plan('MOPI3', '1990-01-01') < plan('MOPI3', '2010-01-01'), 'the oldest first');
    assert.equal(plan('MOPI1', '1960-01-01'), today, 'the oldest, most serious, is reviewed now');
  });
});
