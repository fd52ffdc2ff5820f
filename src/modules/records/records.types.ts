/** Outcomes of an offence (brief 2.4). Whether an outcome counts as a conviction drives retention later. */
export const disposalOutcomes = [
  'CONVICTED',
  'ACQUITTED',
  'NO_FURTHER_ACTION',
  'WITHDRAWN',
  'DISMISSED',
  'DISCONTINUED',
  'CAUTION',
  'CONDITIONAL_CAUTION',
  'YOUTH_CAUTION',
  'PENALTY_NOTICE',
  'COMMUNITY_RESOLUTION',
] as const;
export type DisposalOutcome = (typeof disposalOutcomes)[number];

/** Where a conviction was given; outside England and Wales it is kept under PACE s63J. */
export const jurisdictions = ['ENGLAND_AND_WALES', 'SCOTLAND', 'NORTHERN_IRELAND', 'OVERSEAS'] as const;

export const materialClasses = ['EVIDENTIAL', 'INTELLIGENCE'] as const;
export const legalRegimes = ['DPA2018_PART3', 'UK_GDPR'] as const;
export const sexes = ['MALE', 'FEMALE', 'NOT_KNOWN', 'NOT_SPECIFIED'] as const;
export const nameTypes = ['PRIMARY', 'ALIAS', 'MAIDEN', 'NICKNAME'] as const;
export const addressTypes = ['HOME', 'LAST_KNOWN', 'NO_FIXED_ABODE', 'OTHER'] as const;
export const markerTypes = ['WARNING_SIGNAL', 'INFORMATION_MARKER'] as const;
export const fingerprintStatuses = ['NOT_TAKEN', 'TAKEN', 'SUBMITTED', 'CONFIRMED'] as const;
export const biometricTypes = ['FINGERPRINTS', 'DNA_PROFILE', 'DNA_SAMPLE'] as const;
export const biometricStatuses = ['TAKEN', 'LOADED', 'MATCHED', 'DESTROYED'] as const;
export const relationships = ['FAMILY', 'ASSOCIATE', 'CO_ACCUSED'] as const;
export const custodyImageMediaTypes = ['image/png', 'image/jpeg'] as const;

/** The record kinds a force system can push; one NDJSON line holds one. */
export const recordKinds = [
  'person',
  'arrest',
  'charge',
  'court-case',
  'disposal',
  'custody-record',
  'custody-image',
  'biometric-reference',
  'marker',
  'association',
  'missing-person-report',
  'unidentified-remains',
] as const;
export type RecordKind = (typeof recordKinds)[number];
