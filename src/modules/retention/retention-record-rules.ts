import type { RetentionDecision } from './retention.types.ts';
import { addMonths, addYears, earliest, latest } from './retention-dates.ts';
import type { Arrest, Facts, PersonHistory } from './retention-person-history.ts';

// Events, the person record and markers (brief 5.3, 5.4): MoPI review, kept to 100 on a conviction, and an event
// kept while its fingerprints or DNA are.

export function event(p: PersonHistory, arrest: Arrest): RetentionDecision {
  const kind = 'EVENT';
  const conviction = p.convictions.find((c) => c.arrestId === arrest.id);
  const age = p.ageAt(arrest.occurredOn);
  const review = p.lastReview(arrest.id);
  if (age !== null && age < 10 && !review) {
    return p.overlay(
      p.decision(
        kind,
        arrest.id,
        'MOPI_UNDER_10',
        'REVIEW',
        arrest.occurredOn,
        `the subject was ${age} at the event: keeping it needs a recorded policing purpose`,
      ),
    );
  }
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
  const first = earliest(p.f.arrests.map((a) => a.occurredOn));
  const age = first ? p.ageAt(first) : null;
  if (age !== null && age < 10 && !p.lastReview(id)) {
    return p.overlay(
      p.decision(
        kind,
        id,
        'MOPI_UNDER_10',
        'REVIEW',
        first,
        `the subject was ${age} at first contact: keeping the record needs a recorded policing purpose`,
      ),
    );
  }
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
    if (review?.outcome !== 'DISPOSE' && gaughran < until)
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
