/** The access module: organisations, users, API keys, sessions, purposes and access decisions. */
export { AccessDecisions, type ProtectedView } from './access.decisions.ts';
export { AccessService, type Organisation, type SignedInUser, type User, userContext } from './access.service.ts';
export * from './access.types.ts';
export * from './access-applications.service.ts';
export * from './agreements.service.ts';
export * from './api-keys.service.ts';
export { organisationCodes } from './organisation-codes.query.ts';
export { PolicyEngine } from './policy-engine.ts';
export * from './user-accounts.service.ts';
