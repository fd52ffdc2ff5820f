/**
 * The oversight module: the auditor console over the audit log (auditors' cases, searches of who searched for or
 * viewed whom, usage patterns, legal holds). It makes the access decisions the log itself never makes.
 */
export type { AuditCase } from './audit-cases.ts';
export { OversightService } from './oversight.service.ts';
export type { AuditPatterns } from './usage-patterns.ts';
