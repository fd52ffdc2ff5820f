import {
  convictionOutcomes,
  type PersonFacts,
  type RetainedItemKind,
  type RetentionDecision,
  type RetentionSettings,
} from './retention.types.ts';

// The retention rules of brief section 5 as one pure function of a person's facts and a date. Pure so that
// `leds retention plan --as-of` and the sweep give the same answer, and so every Appendix A scenario is a test.

type Facts = PersonFacts;
type Arrest = Facts['arrests'][number];
type Disposal = Facts['disposals'][number];
type Instrument = Facts['instruments'][number];

function shift(date: string, years: number, months = 0, days = 0): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCFullYear(d.getUTCFullYear() + years, d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  if (days) d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
export const addYears = (date: string, years: number) => shift(date, years);
export const addMonths = (date: string, months: number) => shift(date, 0, months);
export const addDays = (date: string, days: number) => shift(date, 0, 0, days);
const latest = (dates: (string | null | undefined)[]) =>
  dates.filter((d): d is string => !!d).reduce<string | null>((a, b) => (a === null || b > a ? b : a), null);
const earliest = (dates: (string | null | undefined)[]) =>
  dates.filter((d): d is string => !!d).reduce<string | null>((a, b) => (a === null || b < a ? b : a), null);

/** CrimPR 47.35(2)(a): the first day a District Judge extension may be applied for, before the 3-year expiry. */
export const extensionWindowOpens = (expiry: string, s: Pick<RetentionSettings, 'djExtensionWindowMonths'>) =>
  addMonths(expiry, -s.djExtensionWindowMonths);

/** Whole years between a date of birth and a date. */
export function ageOn(dateOfBirth: string, date: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** A conviction as the rules count it: per arrest, since convictions from one course of action count as one. */
interface Conviction {
  arrestId: string;
  disposedOn: string;
  qualifying: boolean;
  ageAtOffence: number | null;
  custodialMonths: number;
  jurisdiction: string;
}

class PersonRetention {
  private readonly arrestsById = new Map<string, Arrest>();
  private readonly convictions: Conviction[];

  constructor(
    private readonly f: Facts,
    private readonly asOf: string,
    private readonly s: RetentionSettings,
  ) {
    for (const a of f.arrests) this.arrestsById.set(a.id, a);
    this.convictions = this.countConvictions();
  }

  private disposalsOf(arrestIds: string[]): Disposal[] {
    return this.f.disposals.filter((d) => arrestIds.includes(d.arrestId) && d.disposedOn <= this.asOf);
  }

  private qualifying(arrestId: string): boolean {
    return this.f.offences.some((o) => o.arrestId === arrestId && o.qualifying);
  }

  private charged(arrestId: string): boolean {
    return this.f.charges.some((c) => c.arrestId === arrestId && c.chargedOn <= this.asOf);
  }

  private ageAt(date: string): number | null {
    return this.f.dateOfBirth ? ageOn(this.f.dateOfBirth, date) : null;
  }

  private offenceDate(arrestId: string): string {
    const committed = earliest(this.f.offences.filter((o) => o.arrestId === arrestId).map((o) => o.committedOn));
    return committed ?? (this.arrestsById.get(arrestId)?.occurredOn as string);
  }

  private countConvictions(): Conviction[] {
    const byArrest = new Map<string, Conviction>();
    for (const d of this.f.disposals) {
      if (!convictionOutcomes.has(d.outcome) || !d.recordable || d.disposedOn > this.asOf) continue;
      const known = byArrest.get(d.arrestId);
      const offenceOn = this.arrestsById.has(d.arrestId) ? this.offenceDate(d.arrestId) : d.disposedOn;
      const conviction: Conviction = {
        arrestId: d.arrestId,
        disposedOn: known && known.disposedOn < d.disposedOn ? known.disposedOn : d.disposedOn,
        qualifying: this.qualifying(d.arrestId),
        ageAtOffence: this.ageAt(offenceOn),
        custodialMonths: Math.max(known?.custodialMonths ?? 0, d.custodialMonths ?? 0),
        jurisdiction: d.jurisdiction,
      };
      byArrest.set(d.arrestId, conviction);
    }
    return [...byArrest.values()].sort((a, b) => a.disposedOn.localeCompare(b.disposedOn));
  }

  /** PACE s63F(11): one conviction for a minor offence committed under 18 with under 5 years' custody. */
  private excluded(c: Conviction): boolean {
    return !c.qualifying && c.ageAtOffence !== null && c.ageAtOffence < 18 && c.custodialMonths < 60;
  }

  /** Convictions before a date that disqualify the unconvicted rules (B3), unless the only one is excluded. */
  private disqualifyingConvictions(before: string, exceptArrests: string[]): Conviction[] {
    const previous = this.convictions.filter((c) => c.disposedOn < before && !exceptArrests.includes(c.arrestId));
    if (previous.length === 1 && this.excluded(previous[0] as Conviction)) return [];
    return previous;
  }

  private active(kind: Instrument['kind'], itemId: string | null): Instrument[] {
    return this.f.instruments.filter(
      (i) =>
        i.kind === kind &&
        (i.itemId === itemId || (kind === 'LEGAL_HOLD' && i.itemId === null)) &&
        i.madeOn <= this.asOf &&
        (i.endedOn === null || i.endedOn > this.asOf),
    );
  }

  private instrumentsOf(kind: Instrument['kind'], itemId: string): Instrument[] {
    return this.f.instruments.filter((i) => i.kind === kind && i.itemId === itemId && i.madeOn <= this.asOf);
  }

  private lastReview(itemId: string) {
    const reviews = this.f.reviews.filter((r) => r.itemId === itemId && r.reviewedOn <= this.asOf);
    return reviews.sort((a, b) => a.reviewedOn.localeCompare(b.reviewedOn)).at(-1);
  }

  private decision(
    kind: RetainedItemKind,
    itemId: string,
    ruleId: string,
    action: RetentionDecision['action'],
    dueOn: string | null,
    reason: string,
  ): RetentionDecision {
    return { personId: this.f.personId, itemKind: kind, itemId, ruleId, action, dueOn, reason, held: false };
  }

  /** Reviews, holds and periodic review applied over what the statute says, in that order. */
  private overlay(d: RetentionDecision, options: { periodicReviewFrom?: string } = {}): RetentionDecision {
    let result = d;
    const review = this.lastReview(d.itemId);
    if (review?.outcome === 'DISPOSE') {
      result = this.decision(
        d.itemKind,
        d.itemId,
        'REVIEW_DISPOSAL',
        'DESTROY',
        review.reviewedOn,
        `a reviewer found no remaining policing purpose on ${review.reviewedOn}`,
      );
    } else if (options.periodicReviewFrom && result.action === 'KEEP' && result.dueOn === null) {
      // Gaughran: "indefinite" still has a real possibility of review.
      const from = latest([options.periodicReviewFrom, review?.reviewedOn]) as string;
      const due = addYears(from, this.s.gaughranReviewYears);
      result = {
        ...result,
        action: 'REVIEW',
        dueOn: due,
        reason: `${result.reason}; periodic review (GAUGHRAN) every ${this.s.gaughranReviewYears} years, next ${due}`,
      };
    }
    const holds = this.active('LEGAL_HOLD', d.itemId);
    if (holds.length > 0 && result.action === 'DESTROY') {
      return {
        ...result,
        ruleId: 'LEGAL_HOLD',
        action: 'KEEP',
        dueOn: null,
        held: true,
        reason: `under legal hold; without it: ${result.ruleId} ${result.action} on ${result.dueOn}: ${result.reason}`,
      };
    }
    return result;
  }

  // ---- Biometrics (brief 5.1) ---------------------------------------------------------------------------

  biometric(b: Facts['biometrics'][number]): RetentionDecision {
    const kind = 'BIOMETRIC_REFERENCE';
    let d: RetentionDecision;
    if (b.biometricType === 'DNA_SAMPLE') {
      const limit = addMonths(b.takenOn, 6);
      const due = earliest([b.profileDerivedOn, limit]) as string;
      const order = this.active('CPIA_ORDER', b.id).at(-1);
      d =
        order && (order.until === null || order.until > due)
          ? this.decision(
              kind,
              b.id,
              'B15',
              order.until ? 'DESTROY' : 'KEEP',
              order.until,
              'kept under a court order (CPIA) as evidence',
            )
          : this.decision(
              kind,
              b.id,
              'B15',
              'DESTROY',
              due,
              b.profileDerivedOn && b.profileDerivedOn < limit
                ? `a profile was derived on ${b.profileDerivedOn}`
                : `6 months from taking on ${b.takenOn}`,
            );
      return this.overlay(d);
    }
    let periodicFrom: string | undefined;
    if (b.takenUnder === 'VOLUNTARY') {
      const disqualifying = this.disqualifyingConvictions('9999-12-31', []);
      if (disqualifying.length > 0) {
        d = this.decision(
          kind,
          b.id,
          'B11',
          'KEEP',
          null,
          `given voluntarily; the person was convicted of a recordable offence (${disqualifying[0]?.disposedOn})`,
        );
        periodicFrom = disqualifying[0]?.disposedOn;
      } else if (b.purposeFulfilledOn && b.purposeFulfilledOn <= this.asOf) {
        d = this.decision(
          kind,
          b.id,
          'B11',
          'DESTROY',
          b.purposeFulfilledOn,
          `given voluntarily; its purpose was fulfilled on ${b.purposeFulfilledOn}`,
        );
      } else {
        d = this.decision(kind, b.id, 'B11', 'KEEP', null, 'given voluntarily; kept until its purpose is fulfilled');
      }
    } else if (!b.arrestId || !this.arrestsById.has(b.arrestId)) {
      d = this.decision(
        kind,
        b.id,
        'B1',
        'REVIEW',
        b.takenOn,
        'not linked to an arrest LEDS holds: a reviewer must establish the retention power',
      );
    } else {
      ({ decision: d, periodicFrom } = this.biometricTakenOnArrest(b, this.arrestsById.get(b.arrestId) as Arrest));
    }
    d = this.extendedByInstruments(d, b.id);
    return this.overlay(d, { periodicReviewFrom: periodicFrom });
  }

  private biometricTakenOnArrest(
    b: Facts['biometrics'][number],
    arrest: Arrest,
  ): { decision: RetentionDecision; periodicFrom?: string } {
    const answer = (
      ruleId: string,
      action: RetentionDecision['action'],
      dueOn: string | null,
      reason: string,
      periodicFrom?: string,
    ) => ({
      decision: this.decision('BIOMETRIC_REFERENCE', b.id, ruleId, action, dueOn, reason),
      periodicFrom,
    });
    // s63P: material taken for offence A is kept as if taken for offence B that the investigation led to.
    const ledTo = this.f.arrests.filter((a) => a.arisingFromArrestId === arrest.id).map((a) => a.id);
    const chain = [arrest.id, ...ledTo];
    const conviction = this.convictions.find((c) => chain.includes(c.arrestId));
    if (conviction) {
      const viaOther = conviction.arrestId !== arrest.id;
      const rule = (r: string) => (viaOther ? 'B13' : r);
      const as = viaOther ? ' (kept as if taken for the offence it led to, s63P)' : '';
      const earlier = this.convictions.filter(
        (c) => c.disposedOn < conviction.disposedOn && c.arrestId !== conviction.arrestId,
      );
      const youthFirstMinor =
        !conviction.qualifying &&
        conviction.ageAtOffence !== null &&
        conviction.ageAtOffence < 18 &&
        earlier.length === 0;
      if (youthFirstMinor) {
        const first = 'under 18, first minor conviction';
        const months = conviction.custodialMonths;
        const later = this.convictions.find((c) => c.disposedOn > conviction.disposedOn);
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
    const disposals = this.disposalsOf(chain);
    if (disposals.length === 0) return answer('B1', 'KEEP', null, 'the investigation or proceedings are still running');
    const endedOn = latest(disposals.map((d) => d.disposedOn)) as string;
    const previous = this.disqualifyingConvictions(arrest.occurredOn, chain);
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
    const qualifying = chain.some((id) => this.qualifying(id));
    const threeYears = addYears(b.takenOn, 3);
    const extension = this.validDistrictJudgeExtension(b.id, threeYears);
    const extended = extension ? `, extended once by a District Judge (${extension.madeOn})` : '';
    const keptTo = extension ? addYears(threeYears, 2) : threeYears;
    if (qualifying && chain.some((id) => this.charged(id)))
      return answer(
        'B4',
        'DESTROY',
        keptTo,
        `charged with a qualifying offence, not convicted: 3 years from taking${extended}`,
      );
    if (qualifying) {
      const consent = this.instrumentsOf('BIOMETRICS_COMMISSIONER_CONSENT', b.id).find((i) => i.endedOn === null);
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
  private validDistrictJudgeExtension(itemId: string, expiry: string): Instrument | undefined {
    const windowOpens = extensionWindowOpens(expiry, this.s);
    return this.instrumentsOf('DISTRICT_JUDGE_EXTENSION', itemId)
      .filter((i) => i.endedOn === null)
      .find((i) => (i.appliedOn ?? i.madeOn) >= windowOpens && (i.appliedOn ?? i.madeOn) <= expiry);
  }

  /** National security determinations (B10) and written consent (B12) keep material the statute would destroy. */
  private extendedByInstruments(d: RetentionDecision, itemId: string): RetentionDecision {
    if (d.action !== 'DESTROY' || d.dueOn === null) return d;
    let result = d;
    const nsd = this.instrumentsOf('NATIONAL_SECURITY_DETERMINATION', itemId)
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
    const consent = this.instrumentsOf('WRITTEN_CONSENT', itemId).at(-1);
    if (consent) {
      if (consent.endedOn === null || consent.endedOn > this.asOf)
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

  // ---- Custody images (brief 5.2) -------------------------------------------------------------------------

  private mopiGroup(arrestIds: string[]): 1 | 2 | 3 {
    if (this.f.markers.some((m) => this.s.mopiGroup1MarkerCodes.includes(m.code))) return 1;
    return arrestIds.some((id) => this.qualifying(id)) ? 2 : 3;
  }

  /** The last police contact: a new contact resets the clear period (brief 5.3). */
  private clearPeriodStart(): string {
    return (
      latest([
        ...this.f.arrests.map((a) => a.occurredOn),
        ...this.f.disposals.filter((d) => d.disposedOn <= this.asOf).map((d) => d.disposedOn),
      ]) ?? this.f.createdOn
    );
  }

  private mopiReview(
    kind: RetainedItemKind,
    itemId: string,
    group: 1 | 2 | 3,
    ruleId: string,
    what: string,
  ): RetentionDecision {
    const review = this.lastReview(itemId);
    const start = this.clearPeriodStart();
    const due =
      group === 1
        ? addYears(latest([review?.reviewedOn, start]) as string, this.s.mopiGroup1ReviewYears)
        : latest([
            addYears(start, group === 2 ? this.s.mopiGroup2ClearYears : this.s.mopiGroup3ClearYears),
            review
              ? addYears(review.reviewedOn, group === 2 ? this.s.mopiGroup2ClearYears : this.s.mopiGroup3ClearYears)
              : null,
          ]);
    return this.decision(
      kind,
      itemId,
      ruleId,
      'REVIEW',
      due,
      `${what}: MoPI group ${group}, ${group === 1 ? 'reviewed every' : 'reviewed after a clear period of'} ${group === 1 ? this.s.mopiGroup1ReviewYears : group === 2 ? this.s.mopiGroup2ClearYears : this.s.mopiGroup3ClearYears} years (last contact ${start})`,
    );
  }

  custodyImage(image: Facts['custodyImages'][number]): RetentionDecision {
    const kind = 'CUSTODY_IMAGE';
    const chain = [
      image.arrestId,
      ...this.f.arrests.filter((a) => a.arisingFromArrestId === image.arrestId).map((a) => a.id),
    ];
    const under18 = image.subjectAgeAtCapture !== null && image.subjectAgeAtCapture < 18;
    const unconvictedRule = under18 ? 'C2' : 'C1';
    const granted = this.f.applications.find(
      (a) => a.arrestId === image.arrestId && a.status === 'GRANTED' && a.decidedOn && a.decidedOn <= this.asOf,
    );
    if (granted) {
      return this.overlay(
        this.decision(
          kind,
          image.id,
          unconvictedRule,
          'DESTROY',
          granted.decidedOn,
          `an application for deletion was granted on ${granted.decidedOn}`,
        ),
      );
    }
    const conviction = this.f.disposals.find(
      (d) => chain.includes(d.arrestId) && convictionOutcomes.has(d.outcome) && d.disposedOn <= this.asOf,
    );
    if (conviction) {
      const ruleId = under18 ? (conviction.recordable ? 'C3' : 'C4') : 'C5';
      const group = this.mopiGroup(chain);
      return this.overlay(this.mopiReview(kind, image.id, group, ruleId, `convicted (${conviction.disposedOn})`));
    }
    const disposals = this.disposalsOf(chain);
    if (disposals.length === 0) {
      return this.overlay(
        this.decision(
          kind,
          image.id,
          'C9',
          'KEEP',
          null,
          'no outcome yet: deleted automatically if the outcome is not a conviction',
        ),
      );
    }
    const endedOn = latest(disposals.map((d) => d.disposedOn)) as string;
    const exceptional = this.active('EXCEPTIONAL_RETENTION', image.id).at(-1);
    if (exceptional) {
      const due = exceptional.until ?? addYears(exceptional.madeOn, this.s.exceptionalReviewYears);
      return this.overlay(
        this.decision(
          kind,
          image.id,
          unconvictedRule,
          'REVIEW',
          due,
          `not convicted, kept for a policing purpose with an exceptional reason recorded on ${exceptional.madeOn}; reviewed ${due}`,
        ),
      );
    }
    const due = addDays(endedOn, this.s.imageGraceDays);
    return this.overlay(
      this.decision(
        kind,
        image.id,
        'C9',
        'DESTROY',
        due,
        `the outcome (${disposals.map((d) => d.outcome).join(', ')}, ${endedOn}) is not a conviction: presumption of deletion (${unconvictedRule}${under18 ? ', taken under 18' : ''})`,
      ),
    );
  }

  // ---- Events, the person record and markers (brief 5.3, 5.4) ---------------------------------------------

  private hundredthBirthday(): string | null {
    return this.f.dateOfBirth ? addYears(this.f.dateOfBirth, 100) : null;
  }

  event(arrest: Arrest): RetentionDecision {
    const kind = 'EVENT';
    const conviction = this.convictions.find((c) => c.arrestId === arrest.id);
    const age = this.ageAt(arrest.occurredOn);
    const review = this.lastReview(arrest.id);
    if (age !== null && age < 10 && !review) {
      return this.overlay(
        this.decision(
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
      const until = this.hundredthBirthday();
      if (until)
        return this.overlay(
          this.decision(
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
    if (this.disposalsOf([arrest.id]).length === 0) {
      return this.overlay(this.decision(kind, arrest.id, 'B1', 'KEEP', null, 'no outcome yet'));
    }
    const group = this.mopiGroup([arrest.id]);
    return this.overlay(
      this.mopiReview(
        kind,
        arrest.id,
        group,
        `MOPI${group}`,
        conviction ? 'conviction, date of birth unknown' : 'not convicted',
      ),
    );
  }

  personRecord(): RetentionDecision {
    const kind = 'PERSON_RECORD';
    const id = this.f.personId;
    const first = earliest(this.f.arrests.map((a) => a.occurredOn));
    const age = first ? this.ageAt(first) : null;
    if (age !== null && age < 10 && !this.lastReview(id)) {
      return this.overlay(
        this.decision(
          kind,
          id,
          'MOPI_UNDER_10',
          'REVIEW',
          first,
          `the subject was ${age} at first contact: keeping the record needs a recorded policing purpose`,
        ),
      );
    }
    const pending = this.f.applications.find((a) => a.status === 'RECEIVED' || a.status === 'UNDER_REVIEW');
    const reviewedSince =
      pending && this.lastReview(id) && (this.lastReview(id)?.reviewedOn as string) >= pending.receivedOn;
    if (pending && !reviewedSince) {
      return this.overlay(
        this.decision(
          kind,
          id,
          'C6',
          'REVIEW',
          pending.receivedOn,
          `an application for deletion arrived on ${pending.receivedOn}: the whole record is reviewed`,
        ),
      );
    }
    const conviction = this.convictions[0];
    const until = this.hundredthBirthday();
    if (conviction && until) {
      const review = this.lastReview(id);
      const gaughran = addYears(
        latest([this.convictions.at(-1)?.disposedOn, review?.reviewedOn]) as string,
        this.s.gaughranReviewYears,
      );
      if (review?.outcome !== 'DISPOSE' && gaughran < until)
        return this.overlay(
          this.decision(
            kind,
            id,
            'P1',
            'REVIEW',
            gaughran,
            `recordable conviction: kept until the subject is 100 (${until}); periodic review (GAUGHRAN) every ${this.s.gaughranReviewYears} years, next ${gaughran}`,
          ),
        );
      return this.overlay(
        this.decision(
          kind,
          id,
          'P1',
          'DESTROY',
          until,
          `recordable conviction: kept until the subject is 100 (${until})`,
        ),
      );
    }
    const group = this.mopiGroup(this.f.arrests.map((a) => a.id));
    return this.overlay(
      this.mopiReview(
        kind,
        id,
        group,
        `MOPI${group}`,
        conviction ? 'conviction, date of birth unknown' : 'no conviction',
      ),
    );
  }

  marker(m: Facts['markers'][number]): RetentionDecision {
    const review = this.lastReview(m.id);
    const due =
      review?.outcome === 'KEEP'
        ? latest([m.reviewDue, addMonths(review.reviewedOn, this.s.markerReviewMonths)])
        : m.reviewDue;
    return this.overlay(
      this.decision('MARKER', m.id, 'MARKER_REVIEW', 'REVIEW', due, `marker ${m.code}: review due ${due}`),
    );
  }

  all(): RetentionDecision[] {
    const biometrics = this.f.biometrics.map((b) => this.biometric(b));
    return [
      this.personRecord(),
      ...this.f.arrests.map((a) => this.eventBesideItsBiometrics(this.event(a), biometrics)),
      ...this.f.custodyImages.map((i) => this.custodyImage(i)),
      ...biometrics,
      ...this.f.markers.map((m) => this.marker(m)),
    ];
  }

  /**
   * Destroying an event takes its fingerprints and DNA with it, and their retention under PACE rests on its
   * outcome. So an event due for destruction waits while any of them is still kept; it goes once they may.
   */
  private eventBesideItsBiometrics(event: RetentionDecision, biometrics: RetentionDecision[]): RetentionDecision {
    if (event.action !== 'DESTROY') return event;
    const kept = this.f.biometrics
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
}

/** Every retained item of one person with its rule, next action and date, as of a day. */
export function assessRetention(facts: PersonFacts, asOf: string, settings: RetentionSettings): RetentionDecision[] {
  return new PersonRetention(facts, asOf, settings).all();
}

/** What is due by a day: a DESTROY or REVIEW whose date has come. */
export function isDue(decision: RetentionDecision, asOf: string): boolean {
  return decision.action !== 'KEEP' && decision.dueOn !== null && decision.dueOn <= asOf;
}
