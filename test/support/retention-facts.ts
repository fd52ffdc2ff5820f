import { emptyPersonFacts } from '../../src/modules/retention/index.ts';
import type { PersonFacts, RetentionSettings } from '../../src/modules/retention/retention.types.ts';

/** The documented defaults (config.ts), so the scenarios read against the rules as shipped. */
export const defaultRetentionSettings: RetentionSettings = {
  gaughranReviewYears: 10,
  nsdMaxYears: 5,
  imageGraceDays: 0,
  exceptionalReviewYears: 3,
  mopiGroup1MarkerCodes: ['MAPPA', 'PDP'],
  mopiGroup1ReviewYears: 10,
  mopiGroup2ClearYears: 10,
  mopiGroup3ClearYears: 6,
  markerReviewMonths: 12,
  childRecordGraceDays: 28,
  djExtensionWindowMonths: 3,
};

/** A person's facts built up in the words of Appendix A: arrests, charges, outcomes, material taken. */
export class FactsBuilder {
  readonly facts: PersonFacts;

  constructor(dateOfBirth: string | null) {
    this.facts = { ...emptyPersonFacts('person', 'force', '2000-01-01'), dateOfBirth };
  }

  arrest(
    id: string,
    occurredOn: string,
    offence: { qualifying: boolean; recordable?: boolean },
    options: { arisingFrom?: string } = {},
  ): this {
    this.facts.arrests.push({
      id,
      occurredOn,
      arisingFromArrestId: options.arisingFrom ?? null,
    });
    this.facts.offences.push({
      arrestId: id,
      qualifying: offence.qualifying,
      recordable: offence.recordable ?? true,
      committedOn: occurredOn,
    });
    return this;
  }

  charge(arrestId: string, chargedOn: string): this {
    this.facts.charges.push({ arrestId, chargedOn });
    return this;
  }

  outcome(
    arrestId: string,
    outcome: string,
    disposedOn: string,
    options: { custodialMonths?: number; recordable?: boolean; jurisdiction?: string } = {},
  ): this {
    this.facts.disposals.push({
      arrestId,
      outcome,
      disposedOn,
      recordable: options.recordable ?? true,
      custodialMonths: options.custodialMonths ?? null,
      jurisdiction: options.jurisdiction ?? 'ENGLAND_AND_WALES',
    });
    return this;
  }

  prints(
    id: string,
    arrestId: string | null,
    takenOn: string,
    options: { type?: string; takenUnder?: string; purposeFulfilledOn?: string; profileDerivedOn?: string } = {},
  ): this {
    this.facts.biometrics.push({
      id,
      arrestId,
      biometricType: options.type ?? 'FINGERPRINTS',
      takenOn,
      takenUnder: options.takenUnder ?? 'ARREST',
      purposeFulfilledOn: options.purposeFulfilledOn ?? null,
      profileDerivedOn: options.profileDerivedOn ?? null,
    });
    return this;
  }

  image(id: string, arrestId: string, takenOn: string, subjectAgeAtCapture: number | null): this {
    this.facts.custodyImages.push({ id, arrestId, takenOn, subjectAgeAtCapture });
    return this;
  }

  instrument(
    itemId: string | null,
    kind: PersonFacts['instruments'][number]['kind'],
    madeOn: string,
    options: { until?: string; endedOn?: string; appliedOn?: string } = {},
  ): this {
    this.facts.instruments.push({
      id: `${kind}-${this.facts.instruments.length}`,
      itemId,
      kind,
      appliedOn: options.appliedOn ?? null,
      madeOn,
      until: options.until ?? null,
      endedOn: options.endedOn ?? null,
    });
    return this;
  }

  review(
    itemId: string,
    reviewedOn: string,
    outcome: 'KEEP' | 'DISPOSE',
    options: { childRecordKept?: boolean } = {},
  ): this {
    this.facts.reviews.push({ itemId, reviewedOn, outcome, ...options });
    return this;
  }

  marker(id: string, code: string, reviewDue: string): this {
    this.facts.markers.push({ id, code, reviewDue });
    return this;
  }
}
