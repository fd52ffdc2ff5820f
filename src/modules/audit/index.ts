/**
 * The audit log: append (the trail), the Merkle tree, signed checkpoints, verification, public proofs and figures,
 * the audit vault. It imports no other module and makes no access decision; the auditor console that reads it
 * under an audit case is `modules/oversight`, through the queries exported here.
 */
export * from './audit.service.ts';
export * from './audit.types.ts';
export {
  type AuditEntryDetail,
  type AuditEntrySummary,
  type AuditSearch,
  findAuditEntries,
  readAuditEntry,
  searchDate,
} from './audit-entry-search.ts';
export { endLegalHold, type LegalHold, storeLegalHold } from './audit-legal-holds.ts';
export { AuditLog, type StoredCheckpoint } from './audit-log.ts';
export { AuditTrail } from './audit-trail.ts';
export * from './audit-usage.query.ts';
export type { VaultSweep } from './audit-vault-sweep.ts';
export {
  type AuditProblem,
  type AuditVerificationReport,
  type TrustedCheckpoint,
  verifyAuditLog,
} from './audit-verification.ts';
export {
  CheckpointHistory,
  CheckpointHistoryError,
  type HistoryCheckpoint,
  historyTail,
  parseHistory,
} from './checkpoint-history.ts';
export { type CheckpointSigning, signCheckedCheckpoint } from './checkpoint-signing.ts';
export { ProofError, verifyConsistency } from './merkle.ts';
export type { MonthlyAuditFigure } from './public-proofs.ts';
export { CheckpointError, CheckpointSigner, CheckpointVerifier, ed25519KeyFile } from './signed-checkpoint.ts';
export { NoteFormatError, parseCheckpointText, parseSignedNote, strictBase64 } from './signed-note.ts';
export { VaultKeyFile, type VaultKeyWrapping } from './vault-key-wrapping.ts';
export { CosignatureVerifier, Cosigner } from './witness-cosignature.ts';
