export * from './audit.service.ts';
export * from './audit.types.ts';
export { AuditLog, type StoredCheckpoint } from './audit-log.ts';
export { AuditTrail } from './audit-trail.ts';
export { type AuditProblem, type AuditVerificationReport, verifyAuditLog } from './audit-verification.ts';
export { CheckpointSigner, CheckpointVerifier } from './signed-checkpoint.ts';
