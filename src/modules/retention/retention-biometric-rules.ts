import type { RetentionDecision } from './retention.types.ts';
import { addMonths, addYears, earliest, extensionWindowOpens, latest } from './retention-dates.ts';
import type { Arrest, Conviction, Facts, Instrument, PersonHistory } from './retention-person-history.ts';

// Fingerprints, DNA profiles and DNA samples (brief 5.1): PACE ss63D-63U as rules over a person's history.

export function biometric(p: PersonHistory, b: Facts['biometrics'][number]): RetentionDecision {
  const kind = 'BIOMETRIC_REFERENCE';
  let d: RetentionDecision;
  if (b.biometricType === 'DNA_SAMPLE') {
    const limit = addMonths(b.takenOn, 6);
    const due = earliest([b.profileDerivedOn, limit]) as string;
    const order = p.active('CPIA_ORDER', b.id).at(-1);
    d =
      order && (order.until === null || order.until > due)
        ? p.decision(
            kind,
            b.id,
            'B15',
            order.until ? 'DESTROY' : 'KEEP',
            order.until,
            'kept under a court order (CPIA) as evidence',
          )
        : p.decision(
            kind,
            b.id,
            'B15',
            'DESTROY',
            due,
            b.profileDerivedOn && b.profileDerivedOn < limit
              ? `a profile was derived on ${b.profileDerivedOn}`
              : `6 months from taking on ${b.takenOn}`,
          );
    return p.overlay(d);
  }
  let periodicFrom: string | undefined;
  if (b.takenUnder === 'VOLUNTARY') {
    const disqualifying = p.disqualifyingConvictions('9999-12-31', []);
    if (disqualifying.length > 0) {
      d = p.decision(
        kind,
        b.id,
        'B11',
        'KEEP',
        null,
        `given voluntarily; the person was convicted of a recordable offence (${disqualifying[0]?.disposedOn})`,
      );
      periodicFrom = disqualifying[0]?.disposedOn;
    } else if (b.purposeFulfilledOn && b.purposeFulfilledOn <= p.asOf) {
      d = p.decision(
        kind,
        b.id,
        'B11',
        'DESTROY',
        b.purposeFulfilledOn,
        `given voluntarily; its purpose was fulfilled on ${b.purposeFulfilledOn}`,
      );
    } else {
      d = p.decision(kind, b.id, 'B11', 'KEEP', null, 'given voluntarily; kept until its purpose is fulfilled');
    }
  } else if (!b.arrestId || !p.arrestsById.has(b.arrestId)) {
    d = p.decision(
      kind,
      b.id,
      'B1',
      'REVIEW',
      b.takenOn,
      'not linked to an arrest LEDS holds: a reviewer must establish the retention power',
    );
  } else {
    ({ decision: d, periodicFrom } = biometricTakenOnArrest(p, b, p.arrestsById.get(b.arrestId) as Arrest));
  }
  d = extendedByInstruments(p, d, b.id);
  return p.overlay(d, { periodicReviewFrom: periodicFrom });
}

export function biometricTakenOnArrest(
  p: PersonHistory,
  b: Facts['biometrics'][number],
  arrest: Arrest,
): { decision: RetentionDecision; periodicFrom?: string } {
  const answer = answerFor(p, b);
  // s63P: material taken for offence A is kept as if taken for offence B that the investigation led to.
  const ledTo = p.f.arrests.filter((a) => a.arisingFromArrestId === arrest.id).map((a) => a.id);
  const chain = [arrest.id, ...ledTo];
  const conviction = p.convictions.find((c) => chain.includes(c.arrestId));
  if (conviction) return convictedBiometric(p, b, arrest, conviction);
  const disposals = p.disposalsOf(chain);
  if (disposals.length === 0) return answer('B1', 'KEEP', null, 'the investigation or proceedings are still running');
  const endedOn = latest(disposals.map((d) => d.disposedOn)) as string;
  const previous = p.disqualifyingConvictions(arrest.occurredOn, chain);
  if (previous.length > 0)
    return answer(
      'B3',
      'KEEP',
      null,
      `not convicted, but previously convicted of a recordable offence that is not excluded (${previous[0]?.disposedOn}): indefinite`,
      endedOn,
    );
  if (disposals.some((d) => d.outcome === 'PENALTY_NOTICE' && d.recordable))
    return answer(
      'B9',
      'DESTROY',
      addYears(b.takenOn, 2),
      'penalty notice for a recordable offence: 2 years from taking',
    );
  const qualifying = chain.some((id) => p.qualifying(id));
  const threeYears = addYears(b.takenOn, 3);
  const extension = validDistrictJudgeExtension(p, b.id, threeYears);
  const extended = extension ? `, extended once by a District Judge (${extension.madeOn})` : '';
  const keptTo = extension ? addYears(threeYears, 2) : threeYears;
  if (qualifying && chain.some((id) => p.charged(id)))
    return answer(
      'B4',
      'DESTROY',
      keptTo,
      `charged with a qualifying offence, not convicted: 3 years from taking${extended}`,
    );
  if (qualifying) {
    const consent = p.instrumentsOf('BIOMETRICS_COMMISSIONER_CONSENT', b.id).find((i) => i.endedOn === null);
    if (consent)
      return answer(
        'B5',
        'DESTROY',
        keptTo,
        `arrested for a qualifying offence, not charged: the Biometrics Commissioner consented (${consent.madeOn}), 3 years from taking${extended}`,
      );
    return answer(
      'B5',
      'DESTROY',
      endedOn,
      `arrested for a qualifying offence, not charged, no Biometrics Commissioner consent: destroy at the end of the investigation (${endedOn})`,
    );
  }
  return answer(
    'B2',
    'DESTROY',
    endedOn,
    `minor offence, not convicted, no disqualifying previous conviction: destroy at the end of the investigation (${endedOn})`,
  );
}

/** CrimPR 47.35(2)(a): the application must be made in the 3 months before the period ends; one extension only. */
export function validDistrictJudgeExtension(p: PersonHistory, itemId: string, expiry: string): Instrument | undefined {
  const windowOpens = extensionWindowOpens(expiry, p.s);
  return p
    .instrumentsOf('DISTRICT_JUDGE_EXTENSION', itemId)
    .filter((i) => i.endedOn === null)
    .find((i) => (i.appliedOn ?? i.madeOn) >= windowOpens && (i.appliedOn ?? i.madeOn) <= expiry);
}

/** National security determinations (B10) and written consent (B12) keep material the statute would destroy. */
export function extendedByInstruments(p: PersonHistory, d: RetentionDecision, itemId: string): RetentionDecision {
  if (d.action !== 'DESTROY' || d.dueOn === null) return d;
  let result = d;
  const nsd = p
    .instrumentsOf('NATIONAL_SECURITY_DETERMINATION', itemId)
    .filter((i) => i.until !== null)
    .sort((a, b) => (a.until as string).localeCompare(b.until as string))
    .at(-1);
  if (nsd?.until && nsd.until > (result.dueOn as string)) {
    result = {
      ...result,
      ruleId: 'B10',
      dueOn: nsd.until,
      reason: `national security determination of ${nsd.madeOn} to ${nsd.until}; without it: ${d.ruleId} on ${d.dueOn}`,
    };
  }
  const consent = p.instrumentsOf('WRITTEN_CONSENT', itemId).at(-1);
  if (consent) {
    if (consent.endedOn === null || consent.endedOn > p.asOf)
      return {
        ...result,
        ruleId: 'B12',
        action: 'KEEP',
        dueOn: null,
        reason: `kept with the person's written consent (${consent.madeOn}); without it: ${result.ruleId} on ${result.dueOn}`,
      };
    if (consent.endedOn > (result.dueOn as string))
      return {
        ...result,
        ruleId: 'B12',
        dueOn: consent.endedOn,
        reason: `written consent withdrawn on ${consent.endedOn}`,
      };
  }
  return result;
}

/** How a biometric rule answers: its decision, and the date periodic review counts from when it keeps indefinitely. */
function answerFor(p: PersonHistory, b: Facts['biometrics'][number]) {
  return (
    ruleId: string,
    action: RetentionDecision['action'],
    dueOn: string | null,
    reason: string,
    periodicFrom?: string,
  ) => ({
    decision: p.decision('BIOMETRIC_REFERENCE', b.id, ruleId, action, dueOn, reason),
    periodicFrom,
  });
}

/** Material taken on an arrest whose investigation (or one it led to) ended in a conviction (B6, B7, B8, B13, B14). */
function convictedBiometric(
  p: PersonHistory,
  b: Facts['biometrics'][number],
  arrest: Arrest,
  conviction: Conviction,
): { decision: RetentionDecision; periodicFrom?: string } {
  const answer = answerFor(p, b);
  const viaOther = conviction.arrestId !== arrest.id;
  const rule = (r: string) => (viaOther ? 'B13' : r);
  const as = viaOther ? ' (kept as if taken for the offence it led to, s63P)' : '';
  const earlier = p.convictions.filter(
    (c) => c.disposedOn < conviction.disposedOn && c.arrestId !== conviction.arrestId,
  );
  const youthFirstMinor =
    !conviction.qualifying && conviction.ageAtOffence !== null && conviction.ageAtOffence < 18 && earlier.length === 0;
  if (youthFirstMinor) {
    const first = 'under 18, first minor conviction';
    const months = conviction.custodialMonths;
    const later = p.convictions.find((c) => c.disposedOn > conviction.disposedOn);
    if (later)
      return answer(
        rule('B7'),
        'KEEP',
        null,
        `${first}, then a later recordable conviction on ${later.disposedOn}: indefinite (s63K(5))${as}`,
        later.disposedOn,
      );
    if (months >= 60)
      return answer(
        rule('B7'),
        'KEEP',
        null,
        `${first}, custody of ${months} months: indefinite (s63K(3))${as}`,
        conviction.disposedOn,
      );
    if (months > 0)
      return answer(
        rule('B7'),
        'DESTROY',
        addYears(addMonths(b.takenOn, months), 5),
        `${first}, custody of ${months} months: the term plus 5 years from taking (s63K(2))${as}`,
      );
    return answer(
      rule('B7'),
      'DESTROY',
      addYears(b.takenOn, 5),
      `${first}, non-custodial: 5 years from taking (s63K(4))${as}`,
    );
  }
  const ruleId =
    conviction.jurisdiction !== 'ENGLAND_AND_WALES'
      ? 'B14'
      : conviction.qualifying && (conviction.ageAtOffence ?? 99) < 18
        ? 'B8'
        : 'B6';
  return answer(
    rule(ruleId),
    'KEEP',
    null,
    `convicted of a recordable offence on ${conviction.disposedOn}: indefinite${as}`,
    conviction.disposedOn,
  );
}
