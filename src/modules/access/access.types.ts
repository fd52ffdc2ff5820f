export { type Role, roles } from '../../platform/request-context.ts';

export const organisationKinds = ['POLICE_FORCE', 'NON_POLICE_AGENCY', 'OVERSIGHT_BODY'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

/** Named actions, `resource.verb`; every use case asks for one (STYLE: names). */
export const actions = [
  'person.search',
  'person.view',
  'custody-image.view',
  'person.link',
  'held-record.review',
  'dataset.read',
  'ingest-batch.create',
  'ingest-batch.view',
  'access-application.submit',
  'access-application.review',
  'access-application.decide',
  'agreement.manage',
  'audit-case.open',
  'audit.search',
  'audit-hold.manage',
  'retention.review',
  'retention.decide',
  'deletion-notice.receive',
  'deletion-application.submit',
  'deletion-application.match',
  'credential.manage',
] as const;
export type Action = (typeof actions)[number];

/** An access decision and the reasons for it; the reasons go into the audit entry. */
export interface Decision {
  allowed: boolean;
  reasons: string[];
}
