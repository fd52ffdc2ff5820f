/** The access module: organisations, users, API keys, sessions, purposes and access decisions. */
export { AccessDecisions } from './access.decisions.ts';
export { AccessService, type Organisation, type SignedInUser, type User } from './access.service.ts';
export * from './access.types.ts';
