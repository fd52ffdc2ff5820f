import type { AccessService } from './access.service.ts';
import type { OrganisationKind } from './access.types.ts';

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

/** Creates the demo organisations and personas (idempotent). Personas have no password: demo sign-in is by button. */
export async function createDemoPersonas(access: AccessService): Promise<void> {
  for (const organisation of demoOrganisations) await access.createOrganisation(organisation);
  for (const persona of demoPersonas) {
    await access.createUser({ ...persona, roles: [...persona.roles] });
  }
}
