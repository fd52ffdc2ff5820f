import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FactsBuilder, defaultRetentionSettings as settings } from '../../../test/support/retention-facts.ts';
import { assessRetention } from './retention-engine.ts';

// Brief Appendix A, T01 to T21 (T22 to T24 need deletion and applications: test/retention.test.ts).
// Each scenario asks the engine about the item on a date and checks the rule, the action and its date.

function decide(facts: FactsBuilder, itemId: string, asOf: string) {
  const decision = assessRetention(facts.facts, asOf, settings).find((d) => d.itemId === itemId);
  assert.ok(decision, `no decision for ${itemId}`);
  return decision;
}

function expect(
  facts: FactsBuilder,
  itemId: string,
  asOf: string,
  ruleId: string,
  action: string,
  dueOn: string | null,
) {
  const d = decide(facts, itemId, asOf);
  assert.deepEqual({ ruleId: d.ruleId, action: d.action, dueOn: d.dueOn }, { ruleId, action, dueOn }, d.reason);
  return d;
}

const adult = '1980-06-15';

describe('retention scenarios (brief Appendix A)', () => {
  it('T01: adult, no previous convictions, theft, NFA: fingerprints and DNA profile destroyed at the NFA', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-03-01', { qualifying: false })
      .prints('FP', 'A', '2024-03-01')
      .prints('DNA', 'A', '2024-03-01', { type: 'DNA_PROFILE' });
    expect(f, 'FP', '2024-03-10', 'B1', 'KEEP', null);
    f.outcome('A', 'NO_FURTHER_ACTION', '2024-03-20');
    expect(f, 'FP', '2024-03-20', 'B2', 'DESTROY', '2024-03-20');
    expect(f, 'DNA', '2024-03-20', 'B2', 'DESTROY', '2024-03-20');
  });

  it('T02: as T01 with an adult burglary conviction from 2015: kept indefinitely', () => {
    const f = new FactsBuilder(adult)
      .arrest('OLD', '2015-01-10', { qualifying: true })
      .outcome('OLD', 'CONVICTED', '2015-06-01', { custodialMonths: 12 })
      .arrest('A', '2024-03-01', { qualifying: false })
      .outcome('A', 'NO_FURTHER_ACTION', '2024-03-20')
      .prints('FP', 'A', '2024-03-01');
    const d = decide(f, 'FP', '2024-03-20');
    assert.equal(d.ruleId, 'B3');
    assert.notEqual(d.action, 'DESTROY');
  });

  it('T03: charged with rape, acquitted: kept to 3 years from taking, then destroyed', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2022-05-10', { qualifying: true })
      .charge('A', '2022-05-11')
      .prints('FP', 'A', '2022-05-10')
      .outcome('A', 'ACQUITTED', '2023-02-01');
    expect(f, 'FP', '2023-02-01', 'B4', 'DESTROY', '2025-05-10');
  });

  it('T04: a District Judge extension applied for on 2025-03-01 keeps to 2027-05-10, and no further', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2022-05-10', { qualifying: true })
      .charge('A', '2022-05-11')
      .prints('FP', 'A', '2022-05-10')
      .outcome('A', 'ACQUITTED', '2023-02-01')
      .instrument('FP', 'DISTRICT_JUDGE_EXTENSION', '2025-04-01', { appliedOn: '2025-03-01', until: '2027-05-10' });
    expect(f, 'FP', '2025-06-01', 'B4', 'DESTROY', '2027-05-10');
    f.instrument('FP', 'DISTRICT_JUDGE_EXTENSION', '2027-03-01', { appliedOn: '2027-03-01', until: '2029-05-10' });
    expect(f, 'FP', '2027-04-01', 'B4', 'DESTROY', '2027-05-10');
  });

  it('T05: an extension applied for on 2024-12-01 (outside the 3-month window) does not extend', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2022-05-10', { qualifying: true })
      .charge('A', '2022-05-11')
      .prints('FP', 'A', '2022-05-10')
      .outcome('A', 'ACQUITTED', '2023-02-01')
      .instrument('FP', 'DISTRICT_JUDGE_EXTENSION', '2025-01-10', { appliedOn: '2024-12-01', until: '2027-05-10' });
    expect(f, 'FP', '2025-02-01', 'B4', 'DESTROY', '2025-05-10');
  });

  it('T06: arrested for GBH with intent, not charged, no Commissioner application: destroyed at the end of the investigation', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2023-01-15', { qualifying: true })
      .prints('FP', 'A', '2023-01-15')
      .outcome('A', 'NO_FURTHER_ACTION', '2023-04-01');
    expect(f, 'FP', '2023-04-01', 'B5', 'DESTROY', '2023-04-01');
  });

  it('T07: the Biometrics Commissioner consents: kept to 3 years from taking', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2023-01-15', { qualifying: true })
      .prints('FP', 'A', '2023-01-15')
      .outcome('A', 'NO_FURTHER_ACTION', '2023-04-01')
      .instrument('FP', 'BIOMETRICS_COMMISSIONER_CONSENT', '2023-03-20');
    expect(f, 'FP', '2023-05-01', 'B5', 'DESTROY', '2026-01-15');
  });

  it('T08: adult convicted of drink-driving, fined: kept indefinitely with a Gaughran review date', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-01-05', { qualifying: false })
      .prints('FP', 'A', '2024-01-05')
      .outcome('A', 'CONVICTED', '2024-02-10');
    const d = expect(f, 'FP', '2024-02-10', 'B6', 'REVIEW', '2034-02-10');
    assert.match(d.reason, /GAUGHRAN/);
    // A reviewer keeps it: the next review is the configured period after that review.
    f.review('FP', '2034-02-12', 'KEEP');
    expect(f, 'FP', '2034-03-01', 'B6', 'REVIEW', '2044-02-12');
  });

  it('T09: aged 17, first conviction, theft, referral order: kept to 5 years from taking', () => {
    const f = new FactsBuilder('2003-01-01')
      .arrest('A', '2020-06-01', { qualifying: false })
      .prints('FP', 'A', '2020-06-01')
      .outcome('A', 'CONVICTED', '2020-09-01');
    expect(f, 'FP', '2020-09-01', 'B7', 'DESTROY', '2025-06-01');
  });

  it('T10: aged 16, first minor offence, 2-year custody: the term plus 5 years', () => {
    const f = new FactsBuilder('2004-01-01')
      .arrest('A', '2020-06-01', { qualifying: false })
      .prints('FP', 'A', '2020-06-01')
      .outcome('A', 'CONVICTED', '2020-09-01', { custodialMonths: 24 });
    expect(f, 'FP', '2020-09-01', 'B7', 'DESTROY', '2027-06-01');
  });

  it('T11: aged 17, first minor offence, 5-year custody: indefinite', () => {
    const f = new FactsBuilder('2003-01-01')
      .arrest('A', '2020-06-01', { qualifying: false })
      .prints('FP', 'A', '2020-06-01')
      .outcome('A', 'CONVICTED', '2020-09-01', { custodialMonths: 60 });
    const d = decide(f, 'FP', '2020-09-01');
    assert.equal(d.ruleId, 'B7');
    assert.notEqual(d.action, 'DESTROY');
  });

  it('T12: the T09 subject convicted again at 19, before 2025-06-01: indefinite from the second conviction', () => {
    const f = new FactsBuilder('2003-01-01')
      .arrest('A', '2020-06-01', { qualifying: false })
      .prints('FP', 'A', '2020-06-01')
      .outcome('A', 'CONVICTED', '2020-09-01')
      .arrest('B', '2022-03-01', { qualifying: false })
      .outcome('B', 'CONVICTED', '2022-05-01');
    expect(f, 'FP', '2022-04-30', 'B7', 'DESTROY', '2025-06-01');
    const d = decide(f, 'FP', '2022-05-01');
    assert.equal(d.ruleId, 'B7');
    assert.notEqual(d.action, 'DESTROY');
    assert.match(d.reason, /s63K\(5\)/);
  });

  it('T13: aged 16, convicted of robbery (qualifying): indefinite', () => {
    const f = new FactsBuilder('2007-01-01')
      .arrest('A', '2023-06-01', { qualifying: true })
      .prints('FP', 'A', '2023-06-01')
      .outcome('A', 'CONVICTED', '2023-09-01', { custodialMonths: 12 });
    const d = decide(f, 'FP', '2023-09-01');
    assert.equal(d.ruleId, 'B8');
    assert.notEqual(d.action, 'DESTROY');
  });

  it('T14: adult given a penalty notice for disorder: kept to 2 years from taking', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-02-01', { qualifying: false })
      .prints('FP', 'A', '2024-02-01')
      .outcome('A', 'PENALTY_NOTICE', '2024-02-01');
    expect(f, 'FP', '2024-02-01', 'B9', 'DESTROY', '2026-02-01');
  });

  it('T15: the only previous conviction is one minor offence at 15: excluded, so the 3-year rules apply', () => {
    const f = new FactsBuilder('2000-01-01')
      .arrest('OLD', '2015-03-01', { qualifying: false })
      .outcome('OLD', 'CONVICTED', '2015-05-01')
      .arrest('A', '2023-02-01', { qualifying: true })
      .charge('A', '2023-02-02')
      .prints('FP', 'A', '2023-02-01')
      .outcome('A', 'ACQUITTED', '2023-10-01');
    expect(f, 'FP', '2023-10-01', 'B4', 'DESTROY', '2026-02-01');
  });

  it('T16: a volunteer gives DNA for elimination; the case closes: destroyed once the purpose is fulfilled', () => {
    const f = new FactsBuilder(adult).prints('DNA', null, '2024-01-10', {
      type: 'DNA_PROFILE',
      takenUnder: 'VOLUNTARY',
    });
    expect(f, 'DNA', '2024-05-01', 'B11', 'KEEP', null);
    f.facts.biometrics[0] = {
      ...(f.facts.biometrics[0] as (typeof f.facts.biometrics)[number]),
      purposeFulfilledOn: '2024-06-01',
    };
    expect(f, 'DNA', '2024-06-01', 'B11', 'DESTROY', '2024-06-01');
  });

  it('T17: the T16 volunteer later convicted of a recordable offence: the profile may be kept indefinitely', () => {
    const f = new FactsBuilder(adult)
      .prints('DNA', null, '2024-01-10', {
        type: 'DNA_PROFILE',
        takenUnder: 'VOLUNTARY',
        purposeFulfilledOn: '2024-06-01',
      })
      .arrest('A', '2024-04-01', { qualifying: false })
      .outcome('A', 'CONVICTED', '2024-05-01');
    const d = decide(f, 'DNA', '2024-06-01');
    assert.equal(d.ruleId, 'B11');
    assert.notEqual(d.action, 'DESTROY');
  });

  it('T18: written consent to retention, then withdrawn: destroyed on withdrawal', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-03-01', { qualifying: false })
      .prints('FP', 'A', '2024-03-01')
      .outcome('A', 'NO_FURTHER_ACTION', '2024-03-20')
      .instrument('FP', 'WRITTEN_CONSENT', '2024-03-15');
    expect(f, 'FP', '2024-04-01', 'B12', 'KEEP', null);
    f.facts.instruments[0] = {
      ...(f.facts.instruments[0] as (typeof f.facts.instruments)[number]),
      endedOn: '2024-09-01',
    };
    expect(f, 'FP', '2024-09-01', 'B12', 'DESTROY', '2024-09-01');
  });

  it('T19: an NSD keeps prints otherwise due; when it expires unrenewed they are destroyed at its expiry', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-03-01', { qualifying: false })
      .prints('FP', 'A', '2024-03-01')
      .outcome('A', 'NO_FURTHER_ACTION', '2024-03-20')
      .instrument('FP', 'NATIONAL_SECURITY_DETERMINATION', '2024-03-18', { until: '2026-03-18' });
    expect(f, 'FP', '2024-04-01', 'B10', 'DESTROY', '2026-03-18');
    // (The configured maximum is enforced when an NSD is recorded: test/retention.test.ts.)
  });

  it('T20: DNA sample taken 2024-01-10, profile derived 2024-01-20: destroyed by 2024-01-20, never later than 2024-07-10', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-01-10', { qualifying: false })
      .prints('S', 'A', '2024-01-10', { type: 'DNA_SAMPLE', profileDerivedOn: '2024-01-20' })
      .prints('S2', 'A', '2024-01-10', { type: 'DNA_SAMPLE' });
    expect(f, 'S', '2024-01-20', 'B15', 'DESTROY', '2024-01-20');
    expect(f, 'S2', '2024-01-20', 'B15', 'DESTROY', '2024-07-10');
  });

  it('T21: prints taken for offence A (NFA) that led to a conviction for offence B: kept as if taken for B', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-01-10', { qualifying: false })
      .prints('FP', 'A', '2024-01-10')
      .outcome('A', 'NO_FURTHER_ACTION', '2024-02-01')
      .arrest('B', '2024-02-15', { qualifying: false }, { arisingFrom: 'A' })
      .charge('B', '2024-02-16')
      .outcome('B', 'CONVICTED', '2024-06-01');
    const d = decide(f, 'FP', '2024-06-01');
    assert.equal(d.ruleId, 'B13');
    assert.notEqual(d.action, 'DESTROY');
  });
});

describe('retention beyond the appendix', () => {
  it('an image of an unconvicted person is destroyed at the outcome; under 18 it cites the stronger presumption', () => {
    const f = new FactsBuilder('2008-01-01')
      .arrest('A', '2024-03-01', { qualifying: false })
      .image('I', 'A', '2024-03-01', 16);
    expect(f, 'I', '2024-03-05', 'C9', 'KEEP', null);
    f.outcome('A', 'WITHDRAWN', '2024-04-01');
    const d = expect(f, 'I', '2024-04-01', 'C9', 'DESTROY', '2024-04-01');
    assert.match(d.reason, /C2, taken under 18/);
  });

  it('an image of a convicted person follows the MoPI clear period, reset by a new contact', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2020-01-01', { qualifying: false })
      .image('I', 'A', '2020-01-01', 39)
      .outcome('A', 'CONVICTED', '2020-03-01');
    expect(f, 'I', '2020-03-01', 'C5', 'REVIEW', '2026-03-01');
    f.arrest('B', '2025-01-01', { qualifying: false });
    expect(f, 'I', '2025-01-02', 'C5', 'REVIEW', '2031-01-01');
  });

  it('a legal hold stops a destruction and says what would have happened', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2024-03-01', { qualifying: false })
      .image('I', 'A', '2024-03-01', 43)
      .outcome('A', 'NO_FURTHER_ACTION', '2024-03-20')
      .instrument(null, 'LEGAL_HOLD', '2024-03-10');
    const d = expect(f, 'I', '2024-03-20', 'LEGAL_HOLD', 'KEEP', null);
    assert.equal(d.held, true);
    assert.match(d.reason, /C9 DESTROY on 2024-03-20/);
  });

  it('a person record with a recordable conviction is kept to 100, reviewed periodically; a child under 10 is queued for disposal', () => {
    const f = new FactsBuilder('1950-02-01')
      .arrest('A', '2020-01-01', { qualifying: false })
      .outcome('A', 'CONVICTED', '2020-03-01');
    expect(f, 'person', '2020-03-01', 'P1', 'REVIEW', '2030-03-01');
    f.review('person', '2040-03-01', 'KEEP'); // the next review would fall after the 100th birthday
    expect(f, 'person', '2045-01-01', 'P1', 'DESTROY', '2050-02-01');
    const child = new FactsBuilder('2016-01-01').arrest('A', '2024-01-01', { qualifying: false });
    expect(child, 'person', '2024-01-02', 'MOPI_UNDER_10', 'DESTROY', '2024-01-29');
  });

  it('a reviewer disposing of a marker makes it due for destruction that day', () => {
    const f = new FactsBuilder(adult).marker('M', 'WEAPONS', '2025-01-01');
    expect(f, 'M', '2024-01-01', 'MARKER_REVIEW', 'REVIEW', '2025-01-01');
    f.review('M', '2025-01-03', 'DISPOSE');
    expect(f, 'M', '2025-01-03', 'REVIEW_DISPOSAL', 'DESTROY', '2025-01-03');
  });

  it('an event disposed of on review waits while its fingerprints are retained under PACE, and goes once they may', () => {
    const f = new FactsBuilder(adult)
      .arrest('A', '2010-03-01', { qualifying: false })
      .outcome('A', 'CONVICTED', '2010-06-01')
      .prints('FP', 'A', '2010-03-01')
      .review('A', '2026-11-01', 'DISPOSE');
    const event = decide(f, 'A', '2026-11-01');
    assert.equal(event.action, 'KEEP');
    assert.match(event.reason, /fingerprints or DNA are retained \(B6\).*REVIEW_DISPOSAL DESTROY on 2026-11-01/);
    f.review('FP', '2026-11-02', 'DISPOSE');
    expect(f, 'FP', '2026-11-02', 'REVIEW_DISPOSAL', 'DESTROY', '2026-11-02');
    expect(f, 'A', '2026-11-02', 'REVIEW_DISPOSAL', 'DESTROY', '2026-11-01');
  });
});

describe('"until the subject is 100" ends (issue 13 item 3)', () => {
  // Born 1930-05-05: the 100th birthday is 2030-05-05.
  const born = '1930-05-05';
  const hundred = '2030-05-05';

  it('a conviction keeps the event and the person record to the 100th birthday, and from then both are due', () => {
    const f = new FactsBuilder(born)
      .arrest('A', '1990-01-01', { qualifying: false })
      .outcome('A', 'CONVICTED', '1990-03-01');
    expect(f, 'A', '2030-05-04', 'P1', 'DESTROY', hundred);
    const before = decide(f, 'person', '2030-05-04');
    assert.equal(before.action, 'REVIEW', 'the day before, the person record is still under periodic review');
    assert.ok((before.dueOn as string) < hundred, before.reason);
    expect(f, 'person', hundred, 'P1', 'DESTROY', hundred);
    expect(f, 'person', '2045-01-01', 'P1', 'DESTROY', hundred);
    // A review that kept the record does not keep it past 100.
    f.review('person', '2029-01-01', 'KEEP');
    expect(f, 'person', '2031-01-01', 'P1', 'DESTROY', hundred);
  });

  it('MoPI group 1 keeps events and custody images to 100, not under review for ever', () => {
    const f = new FactsBuilder(born)
      .marker('M', 'MAPPA', '2040-01-01')
      .arrest('A', '2000-01-01', { qualifying: true })
      .outcome('A', 'NO_FURTHER_ACTION', '2000-02-01')
      .arrest('B', '2001-01-01', { qualifying: true })
      .outcome('B', 'CONVICTED', '2001-03-01')
      .image('I', 'B', '2001-01-01', 70);
    const event = decide(f, 'A', '2029-01-01');
    assert.deepEqual([event.ruleId, event.action], ['MOPI1', 'REVIEW']);
    expect(f, 'A', '2030-05-05', 'MOPI1', 'DESTROY', hundred);
    assert.deepEqual([decide(f, 'I', '2029-01-01').ruleId, decide(f, 'I', '2029-01-01').action], ['C5', 'REVIEW']);
    expect(f, 'I', '2030-05-05', 'C5', 'DESTROY', hundred);
    // The marker that puts the record in group 1 ends with it, and so the person record goes at 100 too.
    expect(f, 'M', '2030-05-05', 'MARKER_REVIEW', 'DESTROY', hundred);
    expect(f, 'person', '2030-05-05', 'P1', 'DESTROY', hundred);
    // A legal hold on the marker keeps it, and the person record waits for it.
    f.instrument('M', 'LEGAL_HOLD', '2030-01-01');
    const person = decide(f, 'person', '2031-01-01');
    assert.equal(person.action, 'KEEP');
    assert.match(
      person.reason,
      /kept while 1 other item is retained: a marker \(LEGAL_HOLD\); without them: P1 DESTROY/,
    );
  });

  it('the person record waits while fingerprints are kept indefinitely, and goes once they are disposed of', () => {
    const f = new FactsBuilder(born)
      .arrest('A', '1990-01-01', { qualifying: false })
      .outcome('A', 'CONVICTED', '1990-03-01')
      .prints('FP', 'A', '1990-01-01');
    const person = decide(f, 'person', '2031-01-01');
    assert.equal(person.action, 'KEEP');
    assert.match(person.reason, /retained: an event \(P1\), fingerprints or DNA \(B6\)/);
    f.review('FP', '2031-06-01', 'DISPOSE');
    expect(f, 'person', '2031-06-01', 'P1', 'DESTROY', '2031-06-01');
    expect(f, 'A', '2031-06-01', 'P1', 'DESTROY', hundred);
  });

  it('with no date of birth the 100 rule cannot run: the record stays under MoPI review (brief 9 Q11)', () => {
    const f = new FactsBuilder(null)
      .arrest('A', '1990-01-01', { qualifying: false })
      .outcome('A', 'CONVICTED', '1990-03-01');
    const person = decide(f, 'person', '2100-01-01');
    assert.deepEqual([person.ruleId, person.action], ['MOPI3', 'REVIEW']);
    assert.match(person.reason, /date of birth unknown/);
  });
});

describe('records of children under 10 (issue 13 item 4)', () => {
  it('are queued for disposal, not review, unless kept with a policing purpose and regard to the Children Act s11', () => {
    const f = new FactsBuilder('2016-01-01').arrest('A', '2024-06-01', { qualifying: false });
    // LEDS first held the person on 2000-01-01 (the builder's default), so 28 days from the event.
    expect(f, 'A', '2024-06-02', 'MOPI_UNDER_10', 'DESTROY', '2024-06-29');
    expect(f, 'person', '2024-06-02', 'MOPI_UNDER_10', 'DESTROY', '2024-06-29');
    // A keep without the purpose and the regard recorded does not keep it.
    f.review('A', '2024-06-10', 'KEEP');
    expect(f, 'A', '2024-06-11', 'MOPI_UNDER_10', 'DESTROY', '2024-06-29');
    // With both, the event follows its own rules (no outcome yet: kept).
    f.review('A', '2024-06-12', 'KEEP', { childRecordKept: true });
    expect(f, 'A', '2024-06-13', 'B1', 'KEEP', null);
  });

  it('counts the days from when LEDS first held the record, so a historic one arriving today is not destroyed at once', () => {
    const f = new FactsBuilder('1990-01-01').arrest('A', '1999-03-01', { qualifying: false });
    f.facts.createdOn = '2026-11-01';
    expect(f, 'A', '2026-11-01', 'MOPI_UNDER_10', 'DESTROY', '2026-11-29');
  });

  it('leaves a person record with events after 10 to its own rules; only the child event is queued', () => {
    const f = new FactsBuilder('2000-01-01')
      .arrest('A', '2008-01-01', { qualifying: false })
      .arrest('B', '2020-01-01', { qualifying: false })
      .outcome('B', 'CONVICTED', '2020-03-01');
    expect(f, 'A', '2024-01-01', 'MOPI_UNDER_10', 'DESTROY', '2008-01-29');
    assert.notEqual(decide(f, 'person', '2024-01-01').ruleId, 'MOPI_UNDER_10');
  });

  it('one born on 29 February turns 100 on 1 March in a year with no 29 February', () => {
    const f = new FactsBuilder('2000-02-29')
      .arrest('A', '2020-01-01', { qualifying: false })
      .outcome('A', 'CONVICTED', '2020-03-01');
    expect(f, 'A', '2090-01-01', 'P1', 'DESTROY', '2100-03-01');
  });
});
