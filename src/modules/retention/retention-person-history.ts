import {
  convictionOutcomes,
  type PersonFacts,
  type RetainedItemKind,
  type RetentionDecision,
  type RetentionSettings,
} from './retention.types.ts';
import { addDays, addYears, ageOn, earliest, latest } from './retention-dates.ts';

// What every rule family reads of one person as of a day: their convictions as the rules count them, the
// instruments and reviews in force, and the overlay of reviews and holds over what the statute says.

export type Facts = PersonFacts;
export type Arrest = Facts['arrests'][number];
type Disposal = Facts['disposals'][number];
export type Instrument = Facts['instruments'][number];

/** A conviction as the rules count it: per arrest, since convictions from one course of action count as one. */
export interface Conviction {
  arrestId: string;
  disposedOn: string;
  qualifying: boolean;
  ageAtOffence: number | null;
  custodialMonths: number;
  jurisdiction: string;
}

export class PersonHistory {
  readonly arrestsById = new Map<string, Arrest>();
  readonly convictions: Conviction[];

  constructor(
    readonly f: Facts,
    readonly asOf: string,
    readonly s: RetentionSettings,
  ) {
    for (const a of f.arrests) this.arrestsById.set(a.id, a);
    this.convictions = this.countConvictions();
  }

  disposalsOf(arrestIds: string[]): Disposal[] {
    return this.f.disposals.filter((d) => arrestIds.includes(d.arrestId) && d.disposedOn <= this.asOf);
  }

  qualifying(arrestId: string): boolean {
    return this.f.offences.some((o) => o.arrestId === arrestId && o.qualifying);
  }

  charged(arrestId: string): boolean {
    return this.f.charges.some((c) => c.arrestId === arrestId && c.chargedOn <= this.asOf);
  }

  ageAt(date: string): number | null {
    return this.f.dateOfBirth ? ageOn(this.f.dateOfBirth, date) : null;
  }

  offenceDate(arrestId: string): string {
    const committed = earliest(this.f.offences.filter((o) => o.arrestId === arrestId).map((o) => o.committedOn));
    return committed ?? (this.arrestsById.get(arrestId)?.occurredOn as string);
  }

  countConvictions(): Conviction[] {
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
  excluded(c: Conviction): boolean {
    return !c.qualifying && c.ageAtOffence !== null && c.ageAtOffence < 18 && c.custodialMonths < 60;
  }

  /** Convictions before a date that disqualify the unconvicted rules (B3), unless the only one is excluded. */
  disqualifyingConvictions(before: string, exceptArrests: string[]): Conviction[] {
    const previous = this.convictions.filter((c) => c.disposedOn < before && !exceptArrests.includes(c.arrestId));
    if (previous.length === 1 && this.excluded(previous[0] as Conviction)) return [];
    return previous;
  }

  active(kind: Instrument['kind'], itemId: string | null): Instrument[] {
    return this.f.instruments.filter(
      (i) =>
        i.kind === kind &&
        (i.itemId === itemId || (kind === 'LEGAL_HOLD' && i.itemId === null)) &&
        i.madeOn <= this.asOf &&
        (i.endedOn === null || i.endedOn > this.asOf),
    );
  }

  instrumentsOf(kind: Instrument['kind'], itemId: string): Instrument[] {
    return this.f.instruments.filter((i) => i.kind === kind && i.itemId === itemId && i.madeOn <= this.asOf);
  }

  lastReview(itemId: string) {
    const reviews = this.f.reviews.filter((r) => r.itemId === itemId && r.reviewedOn <= this.asOf);
    return reviews.sort((a, b) => a.reviewedOn.localeCompare(b.reviewedOn)).at(-1);
  }

  decision(
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
  overlay(d: RetentionDecision, options: { periodicReviewFrom?: string } = {}): RetentionDecision {
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

  mopiGroup(arrestIds: string[]): 1 | 2 | 3 {
    if (this.f.markers.some((m) => this.s.mopiGroup1MarkerCodes.includes(m.code))) return 1;
    return arrestIds.some((id) => this.qualifying(id)) ? 2 : 3;
  }

  /** The last police contact: a new contact resets the clear period (brief 5.3). */
  clearPeriodStart(): string {
    return (
      latest([
        ...this.f.arrests.map((a) => a.occurredOn),
        ...this.f.disposals.filter((d) => d.disposedOn <= this.asOf).map((d) => d.disposedOn),
      ]) ?? this.f.createdOn
    );
  }

  mopiReview(
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
    // MoPI group 1 keeps only until the subject is 100 (brief 5.3): from then, or when no review falls before
    // it, the item is due for disposal on the 100th birthday.
    const until = group === 1 ? this.hundredthBirthday() : null;
    if (until !== null && (until <= this.asOf || (due as string) >= until)) {
      return this.decision(
        kind,
        itemId,
        ruleId,
        'DESTROY',
        until,
        `${what}: MoPI group 1, kept until the subject is 100`,
      );
    }
    return this.decision(
      kind,
      itemId,
      ruleId,
      'REVIEW',
      due,
      `${what}: MoPI group ${group}, ${group === 1 ? 'reviewed every' : 'reviewed after a clear period of'} ${group === 1 ? this.s.mopiGroup1ReviewYears : group === 2 ? this.s.mopiGroup2ClearYears : this.s.mopiGroup3ClearYears} years (last contact ${start})`,
    );
  }

  /** The day the subject turns 100 as `ageOn` counts it: one born on 29 February turns 100 on 1 March. */
  hundredthBirthday(): string | null {
    if (!this.f.dateOfBirth) return null;
    const day = addYears(this.f.dateOfBirth, 100);
    return ageOn(this.f.dateOfBirth, day) < 100 ? addDays(day, 1) : day;
  }

  /** A reviewer kept this child-under-10 record with a policing purpose and regard to the Children Act s11. */
  childRecordKept(itemId: string): boolean {
    return this.f.reviews.some(
      (r) => r.itemId === itemId && r.outcome === 'KEEP' && r.childRecordKept === true && r.reviewedOn <= this.asOf,
    );
  }
}
