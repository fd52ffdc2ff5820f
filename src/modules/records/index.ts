/** The records module: people, names, identifiers, events, custody, disposals, images, biometric references. */
export { type AddressAtPostcode, addressesAtPostcodes } from './addresses-at-postcodes.query.ts';
export { CustodyImageStore } from './custody-image-store.ts';
export { type HeldRecordForReview, HeldRecordsService, type RecordNotLinked } from './held-records.service.ts';
export * from './identifiers.ts';
export { isProtectedIdentity, protectedIdentitiesAmong } from './person-flags.ts';
export {
  type ErasableKind,
  type Erasure,
  eraseRecord,
  linkTombstonesToAudit,
  personTables,
  type Tombstone,
} from './record-erasure.ts';
export {
  type IntakeOutcome,
  type IntakeSource,
  type LinkTarget,
  RecordIntake,
  RecordRejected,
} from './record-intake.ts';
export { RecordsRepository } from './records.repository.ts';
export * from './records.schemas.ts';
export { RecordsService } from './records.service.ts';
export * from './records.types.ts';
export { loadRetentionRecordFacts, type RetentionRecordFacts } from './retention-facts.query.ts';
export {
  arrestsWithAsn,
  deletionsByMonth,
  disposalById,
  itemsTakenOnArrest,
  notProtectedIdentity,
  personIdsAfter,
  personOwnerOf,
  tombstoneOwnersOf,
  tombstonesOf,
  tombstonesOfRecord,
} from './retention-records.query.ts';
