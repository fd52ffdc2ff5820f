/** What LEDS keeps a retention decision for (brief section 5). */
export const retainedItemKinds = ['PERSON_RECORD', 'EVENT', 'CUSTODY_IMAGE', 'BIOMETRIC_REFERENCE', 'MARKER'] as const;
export type RetainedItemKind = (typeof retainedItemKinds)[number];

/** The next thing the engine must do with an item: nothing yet, a review by a person, or destruction. */
export type RetentionAction = 'KEEP' | 'REVIEW' | 'DESTROY';

/**
 * Instruments that stop, defer or shorten deletion, each recorded with its evidence (brief 5.1, 5.2, 5.6).
 * DISTRICT_JUDGE_EXTENSION (B4), BIOMETRICS_COMMISSIONER_CONSENT (B5), NATIONAL_SECURITY_DETERMINATION (B10),
 * WRITTEN_CONSENT (B12), CPIA_ORDER (B15), EXCEPTIONAL_RETENTION (C1/C2: policing purpose and exceptional reason),
 * LEGAL_HOLD.
 */
export const instrumentKinds = [
  'DISTRICT_JUDGE_EXTENSION',
  'BIOMETRICS_COMMISSIONER_CONSENT',
  'NATIONAL_SECURITY_DETERMINATION',
  'WRITTEN_CONSENT',
  'CPIA_ORDER',
  'EXCEPTIONAL_RETENTION',
  'LEGAL_HOLD',
] as const;
export type InstrumentKind = (typeof instrumentKinds)[number];

/** Outcomes that count as a conviction for retention: cautions, reprimands and warnings do (brief 5.1). */
/** The rules a custody image of someone not convicted is kept under: the presumption of deletion (brief 5.2). */
export const unconvictedImageRules: ReadonlySet<string> = new Set(['C1', 'C2', 'C9']);

export const convictionOutcomes: ReadonlySet<string> = new Set([
  'CONVICTED',
  'CAUTION',
  'CONDITIONAL_CAUTION',
  'YOUTH_CAUTION',
]);

/** Everything the rules read about one person, loaded in one go (dates are YYYY-MM-DD). */
export interface PersonFacts {
  personId: string;
  owningOrganisationId: string;
  /** The force that supplied each held item (its provenance), by item id; the person's owner when not listed. */
  itemOwners: Map<string, string>;
  /** The earliest recorded date of birth, or null when none is known (brief section 9 Q11). */
  dateOfBirth: string | null;
  createdOn: string;
  arrests: {
    id: string;
    occurredOn: string;
    arisingFromArrestId: string | null;
  }[];
  offences: { arrestId: string; qualifying: boolean; recordable: boolean; committedOn: string | null }[];
  charges: { arrestId: string; chargedOn: string }[];
  disposals: {
    arrestId: string;
    /** An outcome, or DISREGARDED once a conviction was deleted on the Secretary of State's direction (P8). */
    outcome: string;
    disposedOn: string;
    recordable: boolean;
    custodialMonths: number | null;
    jurisdiction: string;
  }[];
  custodyImages: { id: string; arrestId: string; takenOn: string; subjectAgeAtCapture: number | null }[];
  biometrics: {
    id: string;
    arrestId: string | null;
    biometricType: string;
    takenOn: string;
    takenUnder: string;
    purposeFulfilledOn: string | null;
    profileDerivedOn: string | null;
  }[];
  markers: { id: string; code: string; reviewDue: string }[];
  instruments: {
    id: string;
    /** null: the whole person (a legal hold on everything). */
    itemId: string | null;
    kind: InstrumentKind;
    /** When it was applied for, where the law sets a window for the application (B4: CrimPR 47.35). */
    appliedOn: string | null;
    madeOn: string;
    until: string | null;
    endedOn: string | null;
  }[];
  /** `childRecordKept`: a keep that recorded both a policing purpose and regard to the Children Act 2004 s11. */
  reviews: { itemId: string; reviewedOn: string; outcome: 'KEEP' | 'DISPOSE'; childRecordKept?: boolean }[];
  applications: { arrestId: string | null; receivedOn: string; status: string; decidedOn: string | null }[];
  /** Items an application for deletion was granted for (deletion_application_items), with the day it was. */
  grantedItems: { itemId: string; decidedOn: string }[];
}

/** The engine's answer for one item: the rule that applies, the next action and its date, and why. */
export interface RetentionDecision {
  personId: string;
  itemKind: RetainedItemKind;
  itemId: string;
  ruleId: string;
  action: RetentionAction;
  /** When the action is due; null for KEEP with no date (indefinite, or until an outcome arrives). */
  dueOn: string | null;
  reason: string;
  /** True when a legal hold stops what would otherwise happen. */
  held: boolean;
}

/** The configurable values of the rules ([U] in the brief), with documented defaults in config.ts. */
export interface RetentionSettings {
  gaughranReviewYears: number;
  nsdMaxYears: number;
  imageGraceDays: number;
  exceptionalReviewYears: number;
  mopiGroup1MarkerCodes: readonly string[];
  mopiGroup1ReviewYears: number;
  mopiGroup2ClearYears: number;
  mopiGroup3ClearYears: number;
  markerReviewMonths: number;
  djExtensionWindowMonths: number;
  childRecordGraceDays: number;
}

/** What every applicant for deletion is told happens next, whatever the arrest/summons number they gave. */
export const publicApplicationNext =
  'Staff will find the arrest or event you named and pass your application to the force that holds it, which decides and tells you its reasons by the target date.';

/** The retention parameters the public may read beside the rules: periods and limits the rules use, nothing more. */
export const publishedParameterNames = [
  'gaughranReviewYears',
  'nsdMaxYears',
  'imageGraceDays',
  'exceptionalReviewYears',
  'mopiGroup1MarkerCodes',
  'mopiGroup1ReviewYears',
  'mopiGroup2ClearYears',
  'mopiGroup3ClearYears',
  'markerReviewMonths',
  'childRecordGraceDays',
  'djExtensionWindowMonths',
  'noticeAcknowledgeDays',
  'applicationTargetDays',
] as const;

/** The published parameters, copied one by one (an allow-list: a new setting is private until named here). */
export function publishedParameters(
  settings: RetentionSettings & { noticeAcknowledgeDays: number; applicationTargetDays: number },
): Record<(typeof publishedParameterNames)[number], unknown> {
  return Object.fromEntries(publishedParameterNames.map((name) => [name, settings[name]])) as Record<
    (typeof publishedParameterNames)[number],
    unknown
  >;
}
