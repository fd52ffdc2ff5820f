import type {
  AccessService,
  AgreementGrantInput,
  AgreementsService,
  OrganisationKind,
} from '../modules/access/index.ts';

/** Organisations of the demo: real names of bodies (not personal data), all their data synthetic. */
export const demoOrganisations: { code: string; name: string; kind: OrganisationKind }[] = [
  { code: 'MPS', name: 'Metropolitan Police Service', kind: 'POLICE_FORCE' },
  { code: 'WMP', name: 'West Midlands Police', kind: 'POLICE_FORCE' },
  { code: 'GMP', name: 'Greater Manchester Police', kind: 'POLICE_FORCE' },
  { code: 'TVP', name: 'Thames Valley Police', kind: 'POLICE_FORCE' },
  { code: 'ASP', name: 'Avon and Somerset Constabulary', kind: 'POLICE_FORCE' },
  { code: 'NCA', name: 'National Crime Agency', kind: 'NON_POLICE_AGENCY' },
  { code: 'HMRC', name: 'HM Revenue and Customs', kind: 'NON_POLICE_AGENCY' },
  { code: 'UKBF', name: 'Border Force', kind: 'NON_POLICE_AGENCY' },
  { code: 'DWP', name: 'Department for Work and Pensions', kind: 'NON_POLICE_AGENCY' },
  { code: 'HMPPS', name: 'HM Prison and Probation Service', kind: 'NON_POLICE_AGENCY' },
  { code: 'LEDS-AUDIT', name: 'LEDS Audit Unit', kind: 'OVERSIGHT_BODY' },
  {
    code: 'HMICFRS',
    name: "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
    kind: 'OVERSIGHT_BODY',
  },
  { code: 'OSF', name: 'LEDS Open Space Oversight Forum', kind: 'OVERSIGHT_BODY' },
  { code: 'PIAP', name: 'LEDS Information Access Panel', kind: 'OVERSIGHT_BODY' },
];

/** The people a visitor can sign in as in demo mode; outside demo mode none of them exist. */
export const demoPersonas = [
  {
    username: 'demo.officer',
    title: 'Police officer',
    displayName: 'PC Alex Demo',
    organisationCode: 'MPS',
    roles: ['OFFICER'],
  },
  {
    username: 'demo.investigator',
    title: 'Non-police investigator',
    displayName: 'Sam Demo',
    organisationCode: 'NCA',
    roles: ['INVESTIGATOR'],
  },
  {
    username: 'demo.borderforce',
    title: 'Border Force officer',
    displayName: 'Kit Demo',
    organisationCode: 'UKBF',
    roles: ['INVESTIGATOR'],
  },
  {
    username: 'demo.panel',
    title: 'Access panel member',
    displayName: 'Lee Demo',
    organisationCode: 'PIAP',
    roles: ['ACCESS_PANEL'],
  },
  {
    username: 'demo.applicant',
    title: 'Agency access manager',
    displayName: 'Ash Demo',
    organisationCode: 'DWP',
    roles: ['ADMINISTRATOR'],
  },
  {
    username: 'demo.auditor',
    title: 'Auditor',
    displayName: 'Jo Demo',
    organisationCode: 'LEDS-AUDIT',
    roles: ['AUDITOR'],
  },
  {
    username: 'demo.retention',
    title: 'Retention officer',
    displayName: 'Chris Demo',
    organisationCode: 'MPS',
    roles: ['RETENTION_OFFICER'],
  },
  {
    username: 'demo.oversight',
    title: 'Oversight forum member',
    displayName: 'Robin Demo',
    organisationCode: 'OSF',
    roles: ['OVERSIGHT_MEMBER'],
  },
  {
    username: 'demo.admin',
    title: 'Force systems administrator',
    displayName: 'Pat Demo',
    organisationCode: 'MPS',
    roles: ['ADMINISTRATOR'],
  },
] as const;

const policing = [
  'INVESTIGATION',
  'PROSECUTION',
  'PUBLIC_PROTECTION',
  'SAFEGUARDING',
  'MISSING_PERSON_SEARCH',
  'DATA_QUALITY',
];
const readAndSearch = (dataset: string, purposes: string[]): AgreementGrantInput => ({
  dataset,
  operations: ['read', 'search'],
  purposes,
});
const policeDatasets = [
  'NOMINAL_IDENTITY',
  'ARRESTS_CUSTODY',
  'CONVICTIONS_DISPOSALS',
  'CUSTODY_IMAGES',
  'BIOMETRIC_REFERENCES',
  'MARKERS',
  'MISSING_PERSONS',
];

/** A police force's agreement: every dataset for policing purposes, intelligence for investigation, and push. */
export function policeForceGrants(): AgreementGrantInput[] {
  return [
    ...policeDatasets.map((d) => readAndSearch(d, policing)),
    readAndSearch('INTELLIGENCE', ['INVESTIGATION', 'PUBLIC_PROTECTION']),
    // Family and associates are their own, narrower grant.
    readAndSearch('ASSOCIATES', ['INVESTIGATION', 'PUBLIC_PROTECTION', 'SAFEGUARDING']),
    { dataset: 'RECORDS', operations: ['push'], purposes: [] },
  ];
}

/** The demo's agreements: synthetic, but shaped like what each kind of body would be granted. */
const demoAgreements: { organisationCode: string; grants: AgreementGrantInput[] }[] = [
  ...['MPS', 'WMP', 'GMP', 'TVP', 'ASP'].map((organisationCode) => ({ organisationCode, grants: policeForceGrants() })),
  {
    organisationCode: 'NCA',
    grants: [
      'NOMINAL_IDENTITY',
      'ARRESTS_CUSTODY',
      'CONVICTIONS_DISPOSALS',
      'CUSTODY_IMAGES',
      'BIOMETRIC_REFERENCES',
      'MARKERS',
    ].map((d) => readAndSearch(d, ['INVESTIGATION', 'PROSECUTION'])),
  },
  {
    organisationCode: 'HMRC',
    grants: ['NOMINAL_IDENTITY', 'CONVICTIONS_DISPOSALS'].map((d) => readAndSearch(d, ['REVENUE_ENFORCEMENT'])),
  },
  {
    organisationCode: 'DWP',
    grants: ['NOMINAL_IDENTITY', 'CONVICTIONS_DISPOSALS'].map((d) => readAndSearch(d, ['REVENUE_ENFORCEMENT'])),
  },
  {
    organisationCode: 'UKBF',
    // Missing persons is granted for safeguarding at the border, and (wrongly, to show the safeguard) for
    // immigration enforcement: the purpose-limitation policy withholds it for that purpose whatever this says.
    grants: [
      ...['NOMINAL_IDENTITY', 'CONVICTIONS_DISPOSALS'].map((d) => readAndSearch(d, ['IMMIGRATION_ENFORCEMENT'])),
      readAndSearch('MISSING_PERSONS', ['SAFEGUARDING', 'IMMIGRATION_ENFORCEMENT']),
      readAndSearch('NOMINAL_IDENTITY', ['SAFEGUARDING']),
    ],
  },
  {
    organisationCode: 'HMPPS',
    grants: ['NOMINAL_IDENTITY', 'CONVICTIONS_DISPOSALS', 'MARKERS'].map((d) =>
      readAndSearch(d, ['OFFENDER_MANAGEMENT']),
    ),
  },
];

const demoReference = (organisationCode: string) => `DSA-${organisationCode}-DEMO`;

/**
 * Whether the demo organisations, personas and agreements are all there already. A later demo start skips making
 * them again: each agreement made is a transaction and an audit entry, and together they cost more than a second
 * of every start (issue 12).
 */
export async function demoPersonasExist(access: AccessService, agreements: AgreementsService): Promise<boolean> {
  for (const persona of demoPersonas) if (!(await access.findUser(persona.username))) return false;
  const registered = new Set((await agreements.accessRegister()).map((entry) => entry.agreement));
  return demoAgreements.every((agreement) => registered.has(demoReference(agreement.organisationCode)));
}

/** Creates the demo organisations, personas and agreements (idempotent). Personas sign in by button, no password. */
export async function createDemoPersonas(access: AccessService, agreements: AgreementsService): Promise<void> {
  for (const organisation of demoOrganisations) await access.createOrganisation(organisation);
  for (const persona of demoPersonas) {
    await access.createUser({ ...persona, roles: [...persona.roles] });
  }
  for (const agreement of demoAgreements) {
    await agreements.createAgreement({
      ...agreement,
      reference: demoReference(agreement.organisationCode),
      validFrom: '2025-01-01',
      validTo: '2028-12-31',
      reviewDue: '2027-01-31',
    });
  }
}
