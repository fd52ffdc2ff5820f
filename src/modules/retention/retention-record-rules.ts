import type { RetentionDecision } from './retention.types.ts';
import { addDays, addMonths, addYears, earliest, latest } from './retention-dates.ts';
import type { Arrest, Facts, PersonHistory } from './retention-person-history.ts';

// Events, the person record and markers (brief 5.3, 5.4): MoPI review, kept to 100 on a conviction, and an event
// kept while its fingerprints or DNA are.

/**
 * A record of a child under 10, the age of criminal responsibility (brief 5.3): kept only once a reviewer has
 * recorded the policing purpose it serves and the regard had to the Children Act 2004 s11; until then it is queued
 * for disposal, due the configured days after LEDS first held it, so the owning force has time to decide.
 */
function childRecord(p: PersonHistory, kind: 'EVENT' | 'PERSON_RECORD', id: string, on: string, age: number) {
  const due = addDays(latest([on, p.f.createdOn]) as string, p.s.childRecordGraceDays);
  return p.overlay(
    p.decision(
      kind,
      id,
      'MOPI_UNDER_10',
      'DESTROY',
      due,
      `the subject was ${age} (under 10, the age of criminal responsibility): destroyed unless a reviewer records a policing purpose and regard to the Children Act 2004 s11`,
    ),
  );
}

export function event(p: PersonHistory, arrest: Arrest): RetentionDecision {
  const kind = 'EVENT';
  const conviction = p.convictions.find((c) => c.arrestId === arrest.id);
  const age = p.ageAt(arrest.occurredOn);
  if (age !== null && age < 10 && !p.childRecordKept(arrest.id))
    return childRecord(p, kind, arrest.id, arrest.occurredOn, age);
  if (conviction) {
    const until = p.hundredthBirthday();
    if (until)
      return p.overlay(
        p.decision(
          kind,
          arrest.id,
          'P1',
          'DESTROY',
          until,
          `recordable conviction (${conviction.disposedOn}): kept until the subject is 100`,
        ),
        { periodicReviewFrom: undefined },
      );
  }
  if (p.disposalsOf([arrest.id]).length === 0) {
    return p.overlay(p.decision(kind, arrest.id, 'B1', 'KEEP', null, 'no outcome yet'));
  }
  const group = p.mopiGroup([arrest.id]);
  return p.overlay(
    p.mopiReview(
      kind,
      arrest.id,
      group,
      `MOPI${group}`,
      conviction ? 'conviction, date of birth unknown' : 'not convicted',
    ),
  );
}

export function personRecord(p: PersonHistory): RetentionDecision {
  const kind = 'PERSON_RECORD';
  const id = p.f.personId;
  // Only a record made wholly of a child's events goes with them; one with later events follows its own rules.
  const first = earliest(p.f.arrests.map((a) => a.occurredOn));
  const age = first ? p.ageAt(first) : null;
  const onlyAsAChild = p.f.arrests.every((a) => (p.ageAt(a.occurredOn) ?? 10) < 10);
  if (first && age !== null && age < 10 && onlyAsAChild && !p.childRecordKept(id))
    return childRecord(p, kind, id, first, age);
  const pending = p.f.applications.find((a) => a.status === 'RECEIVED' || a.status === 'UNDER_REVIEW');
  const reviewedSince = pending && p.lastReview(id) && (p.lastReview(id)?.reviewedOn as string) >= pending.receivedOn;
  if (pending && !reviewedSince) {
    return p.overlay(
      p.decision(
        kind,
        id,
        'C6',
        'REVIEW',
        pending.receivedOn,
        `an application for deletion arrived on ${pending.receivedOn}: the whole record is reviewed`,
      ),
    );
  }
  const conviction = p.convictions[0];
  const until = p.hundredthBirthday();
  if (conviction && until) {
    const review = p.lastReview(id);
    const gaughran = addYears(
      latest([p.convictions.at(-1)?.disposedOn, review?.reviewedOn]) as string,
      p.s.gaughranReviewYears,
    );
    // The periodic review runs only while a review can still fall before the 100th birthday (P1 ends there).
    if (review?.outcome !== 'DISPOSE' && gaughran < until && p.asOf < until)
      return p.overlay(
        p.decision(
          kind,
          id,
          'P1',
          'REVIEW',
          gaughran,
          `recordable conviction: kept until the subject is 100 (${until}); periodic review (GAUGHRAN) every ${p.s.gaughranReviewYears} years, next ${gaughran}`,
        ),
      );
    return p.overlay(
      p.decision(kind, id, 'P1', 'DESTROY', until, `recordable conviction: kept until the subject is 100 (${until})`),
    );
  }
  const group = p.mopiGroup(p.f.arrests.map((a) => a.id));
  return p.overlay(
    p.mopiReview(kind, id, group, `MOPI${group}`, conviction ? 'conviction, date of birth unknown' : 'no conviction'),
  );
}

export function marker(p: PersonHistory, m: Facts['markers'][number]): RetentionDecision {
  const review = p.lastReview(m.id);
  const due =
    review?.outcome === 'KEEP'
      ? latest([m.reviewDue, addMonths(review.reviewedOn, p.s.markerReviewMonths)])
      : m.reviewDue;
  // A marker warns about a nominal record: on a record kept only until the subject is 100 (a conviction, P1, or
  // MoPI group 1) it ends with the record, not under review for ever after.
  const until = p.hundredthBirthday();
  const endsAtHundred = p.convictions.length > 0 || p.mopiGroup(p.f.arrests.map((a) => a.id)) === 1;
  if (until !== null && endsAtHundred && (until <= p.asOf || (due as string) >= until)) {
    return p.overlay(
      p.decision(
        'MARKER',
        m.id,
        'MARKER_REVIEW',
        'DESTROY',
        until,
        `marker ${m.code}: on a record kept until the subject is 100`,
      ),
    );
  }
  return p.overlay(p.decision('MARKER', m.id, 'MARKER_REVIEW', 'REVIEW', due, `marker ${m.code}: review due ${due}`));
}

/**
 * Destroying an event takes its fingerprints and DNA with it, and their retention under PACE rests on its
 * outcome. So an event due for destruction waits while any of them is still kept; it goes once they may.
 */
export function eventBesideItsBiometrics(
  p: PersonHistory,
  event: RetentionDecision,
  biometrics: RetentionDecision[],
): RetentionDecision {
  if (event.action !== 'DESTROY') return event;
  const kept = p.f.biometrics
    .filter((b) => b.arrestId === event.itemId)
    .map((b) => biometrics.find((d) => d.itemId === b.id))
    .filter((d): d is RetentionDecision => d !== undefined && d.action !== 'DESTROY');
  if (kept.length === 0) return event;
  return {
    ...event,
    action: 'KEEP',
    dueOn: null,
    reason: `kept while its fingerprints or DNA are retained (${[...new Set(kept.map((d) => d.ruleId))].join(', ')}): their retention rests on this event's outcome; without them: ${event.ruleId} DESTROY on ${event.dueOn}: ${event.reason}`,
  };
}

/** What each kind of item is, in words, for a reason. */
const itemWords: Record<RetentionDecision['itemKind'], string> = {
  PERSON_RECORD: 'the person record',
  EVENT: 'an event',
  CUSTODY_IMAGE: 'a custody image',
  BIOMETRIC_REFERENCE: 'fingerprints or DNA',
  MARKER: 'a marker',
};

/** Rules that keep the person record only until the subject is 100 (P1; MoPI group 1). */
const untilHundred = new Set(['P1', 'MOPI1']);

/**
 * Destroying the person record takes everything of theirs with it. So when it comes due only because the subject
 * has reached 100, it waits while any other item is still kept (fingerprints kept indefinitely under PACE, a
 * review not yet done, a hold), and goes with the last of them.
 */
export function personRecordBesideItsItems(person: RetentionDecision, others: RetentionDecision[]): RetentionDecision {
  if (person.action !== 'DESTROY' || !untilHundred.has(person.ruleId)) return person;
  const kept = others.filter((d) => d.action !== 'DESTROY');
  if (kept.length === 0) {
    return { ...person, dueOn: latest([person.dueOn, ...others.map((d) => d.dueOn)]) };
  }
  const what = [...new Set(kept.map((d) => `${itemWords[d.itemKind]} (${d.ruleId})`))].join(', ');
  return {
    ...person,
    action: 'KEEP',
    dueOn: null,
    reason: `kept while ${kept.length} other item${kept.length === 1 ? ' is' : 's are'} retained: ${what}; without them: ${person.ruleId} DESTROY on ${person.dueOn}: ${person.reason}`,
  };
}
