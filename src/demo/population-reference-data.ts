import type { DisposalOutcome } from '../modules/records/index.ts';

// What the synthetic population is drawn from: offences, outcomes, markers, forces and courts. All invented or
// public reference data; no real person is in any of it.

export interface Offence {
  code: string;
  title: string;
  recordable: boolean;
  qualifying: boolean;
}

export const offenceList: Offence[] = [
  { code: 'TH68001', title: 'Theft from a shop', recordable: true, qualifying: false },
  { code: 'TH68010', title: 'Theft of a pedal cycle', recordable: true, qualifying: false },
  { code: 'OF61102', title: 'Assault by beating', recordable: true, qualifying: false },
  { code: 'OF20001', title: 'Assault occasioning actual bodily harm', recordable: true, qualifying: true },
  { code: 'OF18001', title: 'Wounding with intent to do grievous bodily harm', recordable: true, qualifying: true },
  { code: 'TH68046', title: 'Burglary of a dwelling', recordable: true, qualifying: true },
  { code: 'MD71230', title: 'Possession of a controlled drug of class B', recordable: true, qualifying: false },
  { code: 'MD71233', title: 'Possession with intent to supply a class A drug', recordable: true, qualifying: false },
  { code: 'CD71040', title: 'Criminal damage', recordable: true, qualifying: false },
  { code: 'RT88007', title: 'Driving with excess alcohol', recordable: true, qualifying: false },
  { code: 'PU86001', title: 'Using threatening or abusive words or behaviour', recordable: true, qualifying: false },
  { code: 'FI68001', title: 'Possession of a bladed article in a public place', recordable: true, qualifying: false },
  { code: 'RB64001', title: 'Robbery', recordable: true, qualifying: true },
  { code: 'FR06001', title: 'Fraud by false representation', recordable: true, qualifying: false },
  { code: 'PU86020', title: 'Being drunk and disorderly', recordable: false, qualifying: false },
];

/** Outcomes in the proportions the demo shows; a good share end without a conviction. */
export const outcomeMix: [DisposalOutcome | 'PENDING', number][] = [
  ['NO_FURTHER_ACTION', 30],
  ['CONVICTED', 28],
  ['ACQUITTED', 8],
  ['WITHDRAWN', 5],
  ['DISCONTINUED', 4],
  ['CAUTION', 9],
  ['PENALTY_NOTICE', 4],
  ['COMMUNITY_RESOLUTION', 3],
  ['CONDITIONAL_CAUTION', 2],
  ['DISMISSED', 2],
  ['PENDING', 5],
];

export const markerCodes = [
  { type: 'WARNING_SIGNAL', code: 'FI', description: 'Firearms' },
  { type: 'WARNING_SIGNAL', code: 'WE', description: 'Weapons' },
  { type: 'WARNING_SIGNAL', code: 'VI', description: 'Violent' },
  { type: 'WARNING_SIGNAL', code: 'ES', description: 'Escaper' },
  { type: 'WARNING_SIGNAL', code: 'SH', description: 'Self-harm' },
  { type: 'WARNING_SIGNAL', code: 'MH', description: 'Mental health' },
  { type: 'INFORMATION_MARKER', code: 'DR', description: 'Drugs' },
  { type: 'INFORMATION_MARKER', code: 'IM', description: 'Impersonation: uses other identities' },
] as const;

export const forces = [
  { code: 'MPS', number: '01', stations: ['Charing Cross', 'Brixton', 'Lewisham', 'Wembley'] },
  { code: 'WMP', number: '20', stations: ['Perry Barr', 'Oldbury', 'Coventry Central'] },
  { code: 'GMP', number: '06', stations: ['Manchester Central', 'Swinton', 'Bolton'] },
  { code: 'TVP', number: '43', stations: ['Abingdon', 'Loddon Valley', 'Milton Keynes'] },
  { code: 'ASP', number: '52', stations: ['Patchway', 'Keynsham', 'Bridgwater'] },
];

export const courts = [
  'Westminster Magistrates’ Court',
  'Birmingham Crown Court',
  'Manchester Magistrates’ Court',
  'Reading Crown Court',
  'Bristol Magistrates’ Court',
];

export const niPrefixes = ['AB', 'CE', 'GH', 'JK', 'LM', 'NP', 'RS', 'TW', 'WX', 'YZ'];

/** A date as the tables hold it: YYYY-MM-DD in UTC. */
export const isoDate = (d: Date) => d.toISOString().slice(0, 10);
