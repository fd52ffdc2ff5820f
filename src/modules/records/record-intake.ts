import { randomUUID } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import type { Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Database } from '../../storage/database.ts';
import { writeArrest, writeCourtCase, writeCustodyRecord } from './arrest-intake.ts';
import { writeAssociation } from './association-intake.ts';
import { writeBiometricReference } from './biometric-reference-intake.ts';
import { writeCharge } from './charge-intake.ts';
import { removeUnreferencedImages, writeCustodyImage } from './custody-image-intake.ts';
import type { CustodyImageStore } from './custody-image-store.ts';
import { writeDisposal } from './disposal-intake.ts';
import {
  closeHeldRecord,
  findHeldRecord,
  forgetHeldRecord,
  type HeldRecordRow,
  RecordHeld,
  storeHeldRecord,
} from './held-records.ts';
import { writeMarker } from './marker-intake.ts';
import { writeMissingPersonReport, writeUnidentifiedRemains } from './missing-person-intake.ts';
import { writePerson } from './person-intake.ts';
import type { IntakeOutcome, IntakeSource, Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { reject } from './record-rejection.ts';
import type { InboundRecord } from './records.schemas.ts';
import { refuseDeleted, saveSourceKey, sourceKey } from './source-records.ts';
import { claimSourceSystem } from './source-systems.ts';

export type { IntakeOutcome, IntakeSource, LinkTarget } from './record-intake.types.ts';
export { RecordRejected } from './record-rejection.ts';

/**
 * Applies inbound records from force and agency systems to the records tables.
 * INVARIANT: idempotent by (source system, source record id): a record seen before with the same content is
 * UNCHANGED and writes nothing; with new content it updates the same LEDS row.
 */
export class RecordIntake {
  private readonly purposes: ReadonlySet<string>;

  constructor(
    private readonly images: CustodyImageStore,
    private readonly clock: Clock,
    private readonly limits: { custodyImageMaxBytes: number; purposes: readonly { code: string }[] },
  ) {
    this.purposes = new Set(limits.purposes.map((p) => p.code));
  }

  /**
   * Receives one record inside the caller's transaction: applies it in a savepoint, or, when it names a person
   * the pusher may not link to (or no person), rolls the savepoint back and holds it for review. A rejected
   * record throws RecordRejected with nothing of it written.
   */
  async receive(db: Database, record: InboundRecord, source: IntakeSource): Promise<IntakeOutcome> {
    const contentSha256 = sha256Hex(stringify(record) ?? '');
    const existing = await sourceKey(db, source.sourceSystem, record.sourceRecordId);
    const previouslyHeld = await findHeldRecord(db, source.sourceSystem, record.sourceRecordId);
    if (previouslyHeld && previouslyHeld.owningOrganisationId !== source.organisationId)
      reject(
        '/sourceRecordId',
        `\`${record.sourceRecordId}\` of \`${source.sourceSystem}\` belongs to another organisation`,
      );
    if (previouslyHeld && previouslyHeld.recordKind !== record.kind)
      reject(
        '/sourceRecordId',
        `\`${record.sourceRecordId}\` is already a ${previouslyHeld.recordKind} record of \`${source.sourceSystem}\``,
      );
    // SECURITY: a record once held answers as it did while held, whatever its reviewer did since (linked it to a
    // person hidden from the pusher, refused it, or nothing yet): the same id, and UNCHANGED for the same content.
    if (previouslyHeld && previouslyHeld.contentSha256 === contentSha256 && !source.review)
      return this.heldOutcome(record, previouslyHeld, existing);
    try {
      const applied = await db.transaction((savepoint) =>
        this.apply(savepoint as Database, record, source, contentSha256, existing),
      );
      if (!previouslyHeld) return applied;
      // Linked by the pusher's own new push to a person it may see: nothing of it is held any more. A record a
      // reviewer linked to a person hidden from the pusher keeps its trace and its id, so that it looks the same
      // as before.
      if (source.review) {
        await closeHeldRecord(db, previouslyHeld.id, 'LINKED', { at: this.clock.now(), ...source.review });
        return applied;
      }
      const outcome = applied.outcome === 'CREATED' ? 'UPDATED' : applied.outcome;
      if (previouslyHeld.status === 'LINKED') return { ...applied, recordId: previouslyHeld.id, outcome };
      await forgetHeldRecord(db, previouslyHeld.id);
      return { ...applied, outcome };
    } catch (error) {
      if (!(error instanceof RecordHeld)) throw error;
      const id = previouslyHeld?.id ?? randomUUID();
      const now = this.clock.now();
      await storeHeldRecord(db, {
        id,
        personId: error.personId,
        reviewingOrganisationId: error.reviewingOrganisationId,
        owningOrganisationId: source.organisationId,
        sourceSystem: source.sourceSystem,
        sourceRecordId: record.sourceRecordId,
        recordKind: record.kind,
        record,
        contentSha256,
        ingestBatchId: source.ingestBatchId,
        reason: error.reason,
        receivedAt: now,
        updatedAt: now,
      });
      return {
        outcome: existing || previouslyHeld ? 'UPDATED' : 'CREATED',
        recordKind: record.kind,
        recordId: id,
        personId: null,
        held: { reason: error.reason, personId: error.personId },
        touchedImages: [],
      };
    }
  }

  /** The answer to a record sent again unchanged after it was held: the held record's id, whatever became of it. */
  private heldOutcome(record: InboundRecord, held: HeldRecordRow, stored: SourceKey | undefined): IntakeOutcome {
    const linked = held.status === 'LINKED' && stored !== undefined;
    return {
      outcome: 'UNCHANGED',
      recordKind: record.kind,
      recordId: held.id,
      personId: linked ? stored.personId : null,
      held: linked ? null : { reason: held.reason, personId: held.personId },
      touchedImages: [],
    };
  }

  private async apply(
    db: Database,
    record: InboundRecord,
    source: IntakeSource,
    contentSha256: string,
    existing: SourceKey | undefined,
  ): Promise<IntakeOutcome> {
    if (!existing) await refuseDeleted(db, source.sourceSystem, record.sourceRecordId);
    if (existing) {
      if (existing.recordKind !== record.kind) {
        reject(
          '/sourceRecordId',
          `\`${record.sourceRecordId}\` is already a ${existing.recordKind} record of \`${source.sourceSystem}\``,
        );
      }
      if (existing.owningOrganisationId !== source.organisationId) {
        reject(
          '/sourceRecordId',
          `\`${record.sourceRecordId}\` of \`${source.sourceSystem}\` belongs to another organisation`,
        );
      }
      if (existing.contentSha256 === contentSha256) {
        return {
          outcome: 'UNCHANGED',
          recordKind: record.kind,
          recordId: existing.recordId,
          personId: existing.personId,
          held: null,
          touchedImages: [],
        };
      }
    }
    (record.gatheredFor ?? []).forEach((purpose, index) => {
      if (!this.purposes.has(purpose))
        reject(`/gatheredFor/${index}`, `\`${purpose}\` is not a purpose LEDS knows (GET /api/v1/purposes)`);
    });
    const provenance: Provenance = {
      owningOrganisationId: source.organisationId,
      sourceSystem: source.sourceSystem,
      sourceRecordId: record.sourceRecordId,
      ingestBatchId: source.ingestBatchId,
      materialClass: record.materialClass ?? 'EVIDENTIAL',
      legalRegime: record.legalRegime ?? 'DPA2018_PART3',
      gatheredFor: record.gatheredFor ?? null,
      updatedAt: this.clock.now(),
    };
    const links: Links = { mayLink: source.mayLink, pusher: source.organisationId };
    const written = await this.write(db, record, provenance, existing, links);
    await saveSourceKey(db, this.clock, record.kind, record.sourceRecordId, written, source, contentSha256);
    return {
      outcome: existing ? 'UPDATED' : 'CREATED',
      recordKind: record.kind,
      recordId: written.recordId,
      personId: written.personId,
      held: null,
      touchedImages: written.touchedImages ?? [],
    };
  }

  async claimSourceSystem(db: Database, sourceSystem: string, organisationId: string): Promise<boolean> {
    return claimSourceSystem(db, this.clock, sourceSystem, organisationId);
  }

  /** Removes stored images that no custody image row refers to any more (after a failed or replacing write). */
  async removeUnreferencedImages(db: Database, hashes: string[]): Promise<void> {
    return removeUnreferencedImages(db, this.images, hashes);
  }

  private write(
    db: Database,
    record: InboundRecord,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    switch (record.kind) {
      case 'person':
        return writePerson(db, record, p, existing, links, this.clock);
      case 'arrest':
        return writeArrest(db, record, p, existing, links);
      case 'charge':
        return writeCharge(db, record, p, existing, links, this.clock);
      case 'court-case':
        return writeCourtCase(db, record, p, existing, links);
      case 'disposal':
        return writeDisposal(db, record, p, existing, links);
      case 'custody-record':
        return writeCustodyRecord(db, record, p, existing, links);
      case 'custody-image':
        return writeCustodyImage(db, record, p, existing, links, { images: this.images, limits: this.limits });
      case 'biometric-reference':
        return writeBiometricReference(db, record, p, existing, links);
      case 'marker':
        return writeMarker(db, record, p, existing, links);
      case 'missing-person-report':
        return writeMissingPersonReport(db, record, p, existing, links);
      case 'association':
        return writeAssociation(db, record, p, existing, links);
      case 'unidentified-remains':
        return writeUnidentifiedRemains(db, record, p, existing, links);
    }
  }
}
