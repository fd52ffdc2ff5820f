import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import stringify from 'safe-stable-stringify';
import { ageOn, type Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { FieldProblem } from '../../platform/errors.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import type { CustodyImageStore } from './custody-image-store.ts';
import { sniffImageType } from './custody-image-store.ts';
import {
  closeHeldRecord,
  findHeldRecord,
  forgetHeldRecord,
  type HeldRecordRow,
  RecordHeld,
  storeHeldRecord,
} from './held-records.ts';
import { type IdentifierType, nameKey, parseAsn, parseIdentifier, parsePncId } from './identifiers.ts';
import { notePossibleDuplicate } from './possible-duplicates.ts';
import type {
  ArrestRecordIn,
  AssociationRecordIn,
  BiometricReferenceRecordIn,
  ChargeRecordIn,
  CourtCaseRecordIn,
  CustodyImageRecordIn,
  CustodyRecordIn,
  DisposalRecordIn,
  InboundRecord,
  MarkerRecordIn,
  MissingPersonReportRecordIn,
  PersonRecordIn,
  UnidentifiedRemainsRecordIn,
} from './records.schemas.ts';
import * as t from './records.tables.ts';

/** A person LEDS holds that a pushed record names, with the flags that decide whether the pusher may link to them. */
export interface LinkTarget {
  personId: string;
  protectedIdentity: boolean;
  /** The nominal's own record is intelligence-class. */
  intelligenceOnly: boolean;
  owningOrganisationId: string;
}

/** Where an inbound record came from: the controller, its system and the batch. */
export interface IntakeSource {
  organisationId: string;
  sourceSystem: string;
  ingestBatchId: string | null;
  /**
   * SECURITY: whether the pusher may link a record to this person (the access module's `person.link`, and whether
   * its organisation could see them). A person it may not link to is treated exactly like no person: the record is
   * held, and the pusher told nothing more. `db` is the intake's transaction, which any look-up must use.
   */
  mayLink(target: LinkTarget, db: Database): Promise<boolean>;
  /** Set when a reviewer links a held record: it is then closed as LINKED (its trace kept), not forgotten. */
  review?: { by: string; reason: string | null };
}

export interface IntakeOutcome {
  /** What the pusher is told. A held record is told what an accepted one would be (docs/access.md). */
  outcome: 'CREATED' | 'UPDATED' | 'UNCHANGED';
  recordKind: string;
  /** The LEDS row the record became, or the held record that keeps it. */
  recordId: string;
  /** The person the record is now part of; null while it is held. Never told to the pusher. */
  personId: string | null;
  /** Why the record is held, for the audit entry; null when it was applied. */
  held: { reason: string; personId: string | null } | null;
  /** Custody image hashes this record wrote or replaced; unreferenced ones are removed after the transaction. */
  touchedImages: string[];
}

/** A record that cannot be stored; each problem names the field. Nothing of the record is written. */
export class RecordRejected extends Error {
  override name = 'RecordRejected';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

const reject = (field: string, message: string): never => {
  throw new RecordRejected([{ field, message }]);
};

type Provenance = {
  owningOrganisationId: string;
  sourceSystem: string;
  sourceRecordId: string;
  ingestBatchId: string | null;
  materialClass: string;
  legalRegime: string;
  gatheredFor: string[] | null;
  updatedAt: Date;
};

/** How references are followed for this pusher: which people it may link to, and who it is. */
type Links = { mayLink: IntakeSource['mayLink']; pusher: string };

type Written = { recordId: string; personId: string | null; touchedImages?: string[] };
type SourceKey = typeof t.sourceRecords.$inferSelect;

/** Inserts the row, or updates it in place when it exists (a corrected record from the same source). */
async function upsertRow(
  db: Database,
  table: PgTable,
  idColumn: PgColumn,
  values: Record<string, unknown>,
): Promise<void> {
  const { id: _id, personId: _personId, ...changes } = values;
  // One generic upsert over many tables: each call passes that table's own columns, which the types cannot follow.
  await db
    .insert(table)
    .values(values as never)
    .onConflictDoUpdate({ target: idColumn, set: changes as never });
}

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
    const existing = await this.sourceKey(db, source.sourceSystem, record.sourceRecordId);
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
    if (!existing) await this.refuseDeleted(db, source.sourceSystem, record.sourceRecordId);
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
    await this.saveSourceKey(db, record.kind, record.sourceRecordId, written, source, contentSha256);
    return {
      outcome: existing ? 'UPDATED' : 'CREATED',
      recordKind: record.kind,
      recordId: written.recordId,
      personId: written.personId,
      held: null,
      touchedImages: written.touchedImages ?? [],
    };
  }

  /**
   * Claims a source system for an organisation, or says it is another's. A system whose records were stored before
   * claims existed belongs to the organisation that owns them.
   */
  async claimSourceSystem(db: Database, sourceSystem: string, organisationId: string): Promise<boolean> {
    const owner = async () =>
      (
        await db
          .select({ owner: t.sourceSystems.owningOrganisationId })
          .from(t.sourceSystems)
          .where(eq(t.sourceSystems.sourceSystem, sourceSystem))
      )[0]?.owner;
    let claimed = await owner();
    if (!claimed) {
      // Whoever stored, held or deleted records under the name before claims existed owns it.
      const [earlier] = await queryRows<{ owner: string }>(
        db,
        sql`select owning_organisation_id as owner from source_records where source_system = ${sourceSystem}
          union all select owning_organisation_id from held_records where source_system = ${sourceSystem}
          union all select owning_organisation_id from record_tombstones where source_system = ${sourceSystem}
          limit 1`,
      );
      await db
        .insert(t.sourceSystems)
        .values({ sourceSystem, owningOrganisationId: earlier?.owner ?? organisationId, claimedAt: this.clock.now() })
        .onConflictDoNothing();
      claimed = await owner();
    }
    return claimed === organisationId;
  }

  /** A record deleted under a retention rule may not come back by being sent again (brief 5.2: deletion is real). */
  private async refuseDeleted(db: Database, sourceSystem: string, sourceRecordId: string): Promise<void> {
    const [tombstone] = await db
      .select({ ruleId: t.recordTombstones.ruleId, deletedAt: t.recordTombstones.deletedAt })
      .from(t.recordTombstones)
      .where(
        and(eq(t.recordTombstones.sourceSystem, sourceSystem), eq(t.recordTombstones.sourceRecordId, sourceRecordId)),
      )
      .limit(1);
    if (tombstone) {
      reject(
        '/sourceRecordId',
        `\`${sourceRecordId}\` of \`${sourceSystem}\` was deleted under retention rule ${tombstone.ruleId} on ${tombstone.deletedAt.toISOString().slice(0, 10)} and may not be sent again; delete it from the local system (see the deletion notice)`,
      );
    }
  }

  /** Removes stored images that no custody image row refers to any more (after a failed or replacing write). */
  async removeUnreferencedImages(db: Database, hashes: string[]): Promise<void> {
    if (hashes.length === 0) return;
    const referenced = await db
      .selectDistinct({ hash: t.custodyImages.contentSha256 })
      .from(t.custodyImages)
      .where(inArray(t.custodyImages.contentSha256, hashes));
    const keep = new Set(referenced.map((r) => r.hash));
    for (const hash of new Set(hashes)) if (!keep.has(hash)) await this.images.remove(hash);
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
        return this.writePerson(db, record, p, existing, links);
      case 'arrest':
        return this.writeArrest(db, record, p, existing, links);
      case 'charge':
        return this.writeCharge(db, record, p, existing, links);
      case 'court-case':
        return this.writeCourtCase(db, record, p, existing, links);
      case 'disposal':
        return this.writeDisposal(db, record, p, existing, links);
      case 'custody-record':
        return this.writeCustodyRecord(db, record, p, existing, links);
      case 'custody-image':
        return this.writeCustodyImage(db, record, p, existing, links);
      case 'biometric-reference':
        return this.writeBiometricReference(db, record, p, existing, links);
      case 'marker':
        return this.writeMarker(db, record, p, existing, links);
      case 'missing-person-report':
        return this.writeMissingPersonReport(db, record, p, existing, links);
      case 'association':
        return this.writeAssociation(db, record, p, existing, links);
      case 'unidentified-remains':
        return this.writeUnidentifiedRemains(db, record, p, existing, links);
    }
  }

  private async sourceKey(db: Database, sourceSystem: string, sourceRecordId: string): Promise<SourceKey | undefined> {
    const rows = await db
      .select()
      .from(t.sourceRecords)
      .where(and(eq(t.sourceRecords.sourceSystem, sourceSystem), eq(t.sourceRecords.sourceRecordId, sourceRecordId)))
      .limit(1);
    return rows[0];
  }

  private async saveSourceKey(
    db: Database,
    kind: string,
    sourceRecordId: string,
    written: Written,
    source: Pick<IntakeSource, 'organisationId' | 'sourceSystem'>,
    hash: string,
  ) {
    await db
      .insert(t.sourceRecords)
      .values({
        sourceSystem: source.sourceSystem,
        sourceRecordId,
        recordKind: kind,
        recordId: written.recordId,
        personId: written.personId,
        owningOrganisationId: source.organisationId,
        contentSha256: hash,
        updatedAt: this.clock.now(),
      })
      .onConflictDoUpdate({
        target: [t.sourceRecords.sourceSystem, t.sourceRecords.sourceRecordId],
        set: {
          contentSha256: hash,
          recordId: written.recordId,
          personId: written.personId,
          updatedAt: this.clock.now(),
        },
      });
  }

  /**
   * A referenced record of this source system, of the kind expected, naming a person the pusher may still link to.
   * SECURITY: whatever became of the reference (held, linked by the owning force to a person hidden from the pusher,
   * refused, or its person hidden since), the record that refers to it is held the same way, so that the answer
   * says nothing about the person or the reviewer's decision.
   */
  private async referenced(
    db: Database,
    p: Provenance,
    links: Links,
    sourceRecordId: string,
    kind: string,
    field: string,
  ): Promise<SourceKey> {
    const key = await this.sourceKey(db, p.sourceSystem, sourceRecordId);
    if (!key || key.recordKind !== kind) {
      const held = key ? undefined : await findHeldRecord(db, p.sourceSystem, sourceRecordId);
      if (held && held.recordKind === kind)
        throw new RecordHeld('REFERENCE_HELD', held.personId, held.reviewingOrganisationId);
      return reject(field, `no ${kind} with source record id \`${sourceRecordId}\` from \`${p.sourceSystem}\``);
    }
    if (key.personId) await this.linkable(db, links, [key.personId]);
    return key;
  }

  /** The flags of the people that decide whether a pusher may link to them. */
  private async linkTargets(db: Database, personIds: string[]): Promise<LinkTarget[]> {
    if (personIds.length === 0) return [];
    return db
      .select({
        personId: t.people.personId,
        protectedIdentity: t.people.protectedIdentity,
        intelligenceOnly: sql<boolean>`${t.people.materialClass} = 'INTELLIGENCE'`,
        owningOrganisationId: t.people.owningOrganisationId,
      })
      .from(t.people)
      .where(inArray(t.people.personId, personIds));
  }

  /**
   * SECURITY: follows a reference (a PNC ID, an arrest/summons number) only to a person the pusher may link to.
   * A person it may not is treated as no person: the record is held for that person's force, and one that names
   * nobody is held for the pusher's own, so that the answer is the same either way.
   */
  private async linkable(db: Database, links: Links, personIds: string[]): Promise<string[]> {
    const targets = await this.linkTargets(db, personIds);
    const allowed: string[] = [];
    let hidden: LinkTarget | undefined;
    for (const target of targets) {
      if (await links.mayLink(target, db)) allowed.push(target.personId);
      else hidden ??= target;
    }
    if (allowed.length === 0) {
      if (hidden) throw new RecordHeld('PERSON_NOT_VISIBLE', hidden.personId, hidden.owningOrganisationId);
      throw new RecordHeld('NAMES_NO_PERSON', null, links.pusher);
    }
    return allowed;
  }

  private async resolvePerson(
    db: Database,
    ref: ArrestRecordIn['person'],
    p: Provenance,
    links: Links,
    field = '/person',
  ): Promise<string> {
    if ('sourceRecordId' in ref) {
      const key = await this.referenced(db, p, links, ref.sourceRecordId, 'person', `${field}/sourceRecordId`);
      return key.personId as string;
    }
    const pnc = parsePncId(ref.pncId);
    if (!pnc.ok) return reject(`${field}/pncId`, pnc.reason);
    const rows = await db
      .select({ personId: t.personIdentifiers.personId })
      .from(t.personIdentifiers)
      .where(and(eq(t.personIdentifiers.identifierType, 'PNC_ID'), eq(t.personIdentifiers.value, pnc.value)));
    // Only the people the pusher may link to count, as for an arrest/summons number below.
    const named = await this.linkable(
      db,
      links,
      rows.map((r) => r.personId),
    );
    if (named.length > 1)
      return reject(
        `${field}/pncId`,
        `PNC ID \`${pnc.value}\` names more than one person; refer to the person by source record id`,
      );
    return named[0] as string;
  }

  private async resolveArrest(
    db: Database,
    ref: ChargeRecordIn['arrest'],
    p: Provenance,
    links: Links,
    field = '/arrest',
  ): Promise<{ arrestId: string; personId: string }> {
    if ('sourceRecordId' in ref) {
      const key = await this.referenced(db, p, links, ref.sourceRecordId, 'arrest', `${field}/sourceRecordId`);
      return { arrestId: key.recordId, personId: key.personId as string };
    }
    const asn = parseAsn(ref.asn);
    if (!asn.ok) return reject(`${field}/asn`, asn.reason);
    const rows = await db
      .select({ arrestId: t.arrests.id, personId: t.arrests.personId })
      .from(t.arrests)
      .where(eq(t.arrests.asn, asn.value));
    // Only the arrests of people the pusher may link to count, so that neither "more than one" nor "none" tells
    // it about an arrest of someone hidden from it.
    const allowed = new Set(
      await this.linkable(
        db,
        links,
        rows.map((r) => r.personId),
      ),
    );
    const visible = rows.filter((r) => allowed.has(r.personId));
    if (visible.length > 1)
      return reject(
        `${field}/asn`,
        `arrest/summons number \`${asn.value}\` names more than one arrest; refer to it by source record id`,
      );
    return visible[0] as { arrestId: string; personId: string };
  }

  private keepPerson(existing: SourceKey | undefined, personId: string, field: string) {
    if (existing && existing.personId !== personId)
      reject(field, 'a record cannot move to another person; withdraw it and send it again');
  }

  private async writePerson(
    db: Database,
    r: PersonRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    const problems: FieldProblem[] = [];
    const identifiers: { type: IdentifierType; value: string; index: number }[] = [];
    (r.identifiers ?? []).forEach((identifier, index) => {
      const parsed = parseIdentifier(identifier.type, identifier.value);
      if (parsed.ok) identifiers.push({ type: identifier.type, value: parsed.value, index });
      else problems.push({ field: `/identifiers/${index}/value`, message: `\`${identifier.value}\` ${parsed.reason}` });
    });
    const today = this.clock.now().toISOString().slice(0, 10);
    r.datesOfBirth.forEach((d, index) => {
      if (d.date > today)
        problems.push({ field: `/datesOfBirth/${index}/date`, message: `\`${d.date}\` is in the future` });
    });
    if (r.names.filter((n) => n.nameType === 'PRIMARY').length !== 1) {
      problems.push({ field: '/names', message: 'must hold exactly one PRIMARY name' });
    }
    if (problems.length > 0) throw new RecordRejected(problems);

    // Names, dates of birth, addresses and identifiers from this source are replaced as a whole; the savepoint
    // around each record restores them if the record is then rejected.
    if (existing?.personId) {
      for (const table of [t.personNames, t.personDatesOfBirth, t.personAddresses, t.personIdentifiers]) {
        await db
          .delete(table)
          .where(
            and(
              eq(table.personId, existing.personId),
              eq(table.sourceSystem, p.sourceSystem),
              eq(table.sourceRecordId, p.sourceRecordId),
            ),
          );
      }
    }
    // Who already holds each identifier: the people the pusher may link to, and the others.
    const holders = new Map<number, string[]>();
    const hidden: { identifier: (typeof identifiers)[number]; target: LinkTarget }[] = [];
    const mayLink = new Map<string, LinkTarget | true>();
    for (const identifier of identifiers) {
      const rows = await db
        .select({ personId: t.personIdentifiers.personId })
        .from(t.personIdentifiers)
        .where(
          and(eq(t.personIdentifiers.identifierType, identifier.type), eq(t.personIdentifiers.value, identifier.value)),
        );
      const others = rows.map((r) => r.personId).filter((id) => id !== existing?.personId && !mayLink.has(id));
      for (const target of await this.linkTargets(db, others))
        mayLink.set(target.personId, (await links.mayLink(target, db)) ? true : target);
      const visible: string[] = [];
      for (const { personId } of rows) {
        const decision = personId === existing?.personId ? true : mayLink.get(personId);
        if (decision === true) visible.push(personId);
        else if (decision) hidden.push({ identifier, target: decision });
      }
      if (visible.length > 0) holders.set(identifier.index, visible);
    }
    // A PNC ID or CRO number already held names the nominal this record is about (docs/person-entity.md).
    let personId = existing?.personId ?? undefined;
    if (!personId) {
      const strong = identifiers.find((i) => (i.type === 'PNC_ID' || i.type === 'CRO_NUMBER') && holders.has(i.index));
      const named = strong && (holders.get(strong.index) as string[]);
      if (strong && named && named.length > 1)
        problems.push({
          field: `/identifiers/${strong.index}/value`,
          message: `\`${strong.value}\` identifies more than one person; ask the PNC bureau which one this record is about`,
        });
      else if (named) personId = named[0];
    }
    for (const identifier of identifiers) {
      if ((holders.get(identifier.index) ?? []).some((holder) => holder !== personId)) {
        problems.push({
          field: `/identifiers/${identifier.index}/value`,
          message: `\`${identifier.value}\` already identifies another person`,
        });
      }
    }
    if (problems.length > 0) throw new RecordRejected(problems);
    personId ??= randomUUID();

    const description = r.description ?? {};
    const personRow = {
      sex: r.sex,
      nationality: r.nationality ?? null,
      placeOfBirth: r.placeOfBirth ?? null,
      protectedIdentity: r.protectedIdentity ?? false,
      heightCm: description.heightCm ?? null,
      build: description.build ?? null,
      eyeColour: description.eyeColour ?? null,
      hairColour: description.hairColour ?? null,
      distinguishingMarks: description.distinguishingMarks ?? null,
    };
    const [current] = await db
      .select({ sourceSystem: t.people.sourceSystem, sourceRecordId: t.people.sourceRecordId })
      .from(t.people)
      .where(eq(t.people.personId, personId));
    if (!current) {
      await db.insert(t.people).values({ personId, ...personRow, ...p });
    } else if (current.sourceSystem === p.sourceSystem && current.sourceRecordId === p.sourceRecordId) {
      await db
        .update(t.people)
        .set({ ...personRow, ...p })
        .where(eq(t.people.personId, personId));
    }
    await db.insert(t.personNames).values(
      r.names.map((n) => ({
        id: randomUUID(),
        personId,
        nameType: n.nameType,
        forenames: n.forenames,
        surname: n.surname,
        surnameKey: nameKey(n.surname),
        forenameKey: nameKey(n.forenames),
        ...p,
      })),
    );
    if (r.datesOfBirth.length > 0) {
      await db.insert(t.personDatesOfBirth).values(
        r.datesOfBirth.map((d) => ({
          id: randomUUID(),
          personId,
          dateOfBirth: d.date,
          estimated: d.estimated ?? false,
          ...p,
        })),
      );
    }
    if (r.addresses?.length) {
      await db.insert(t.personAddresses).values(
        r.addresses.map((a) => ({
          id: randomUUID(),
          personId,
          addressType: a.addressType,
          lines: a.lines,
          town: a.town ?? null,
          postcode: a.postcode?.toUpperCase() ?? null,
          validFrom: a.validFrom ?? null,
          validTo: a.validTo ?? null,
          ...p,
        })),
      );
    }
    if (identifiers.length > 0) {
      // A person holds an identifier once: one already held (from another source) is not added again.
      await db
        .insert(t.personIdentifiers)
        .values(identifiers.map((i) => ({ id: randomUUID(), personId, identifierType: i.type, value: i.value, ...p })))
        .onConflictDoNothing();
    }
    // SECURITY: an identifier held by a person the pusher may not link to is neither merged into nor refused, for
    // either would tell the pusher about that person: the record makes (or stays) a nominal of its own, and the
    // force that owns the other person is told of a possible duplicate (docs/access.md).
    for (const { identifier, target } of hidden)
      await notePossibleDuplicate(db, {
        personId,
        otherPersonId: target.personId,
        reviewingOrganisationId: target.owningOrganisationId,
        pushedByOrganisationId: p.owningOrganisationId,
        sourceSystem: p.sourceSystem,
        sourceRecordId: p.sourceRecordId,
        identifierType: identifier.type,
        value: identifier.value,
        foundAt: this.clock.now(),
      });
    return { recordId: personId, personId };
  }

  /** Writes a row that belongs to a person: resolves the person, keeps it unchanged on update, upserts. */
  private async underPerson(
    db: Database,
    table: PgTable & { id: PgColumn },
    ref: ArrestRecordIn['person'],
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
    fields: (personId: string) => Promise<Record<string, unknown>> | Record<string, unknown>,
  ): Promise<Written> {
    const personId = await this.resolvePerson(db, ref, p, links);
    this.keepPerson(existing, personId, '/person');
    const id = existing?.recordId ?? randomUUID();
    await upsertRow(db, table, table.id, { id, personId, ...(await fields(personId)), ...p });
    return { recordId: id, personId };
  }

  /** Writes a row that belongs to an arrest (and so to its person). */
  private async underArrest(
    db: Database,
    table: PgTable & { id: PgColumn },
    ref: ChargeRecordIn['arrest'],
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
    fields: (owner: {
      arrestId: string;
      personId: string;
    }) => Promise<Record<string, unknown>> | Record<string, unknown>,
  ): Promise<Written> {
    const owner = await this.resolveArrest(db, ref, p, links);
    this.keepPerson(existing, owner.personId, '/arrest');
    const id = existing?.recordId ?? randomUUID();
    await upsertRow(db, table, table.id, { id, ...owner, ...(await fields(owner)), ...p });
    return { recordId: id, personId: owner.personId };
  }

  private writeArrest(
    db: Database,
    r: ArrestRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underPerson(db, t.arrests, r.person, p, existing, links, async (personId) => {
      const asn = parseAsn(r.asn);
      if (!asn.ok) return reject('/asn', `\`${r.asn}\` ${asn.reason}`);
      let arisingFromArrestId: string | null = null;
      if (r.arisingFrom) {
        const earlier = await this.resolveArrest(db, r.arisingFrom, p, links, '/arisingFrom');
        if (earlier.personId !== personId) reject('/arisingFrom', 'the earlier arrest belongs to another person');
        arisingFromArrestId = earlier.arrestId;
      }
      return {
        arisingFromArrestId,
        asn: asn.value,
        eventType: r.eventType,
        occurredAt: new Date(r.occurredAt),
        location: r.location ?? null,
        officerInCase: r.officerInCase ?? null,
        fingerprintStatus: r.fingerprintStatus,
        offenceSummary: r.offenceSummary,
      };
    });
  }

  private async writeCharge(
    db: Database,
    r: ChargeRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    let arrestId = '';
    const written = await this.underArrest(db, t.charges, r.arrest, p, existing, links, (owner) => {
      arrestId = owner.arrestId;
      return { chargedOn: r.chargedOn };
    });
    const personId = written.personId as string;
    for (const [index, offence] of r.offences.entries()) {
      const key = await this.sourceKey(db, p.sourceSystem, offence.sourceRecordId);
      if (key && (key.recordKind !== 'offence' || key.personId !== personId)) {
        reject(
          `/offences/${index}/sourceRecordId`,
          `\`${offence.sourceRecordId}\` is already another record of \`${p.sourceSystem}\``,
        );
      }
      const offenceId = key?.recordId ?? randomUUID();
      await upsertRow(db, t.offences, t.offences.id, {
        id: offenceId,
        personId,
        arrestId,
        chargeId: written.recordId,
        offenceCode: offence.offenceCode,
        title: offence.title,
        committedOn: offence.committedOn ?? null,
        recordable: offence.recordable,
        qualifying: offence.qualifying,
        ...p,
        sourceRecordId: offence.sourceRecordId,
      });
      await this.saveSourceKey(
        db,
        'offence',
        offence.sourceRecordId,
        { recordId: offenceId, personId },
        { organisationId: p.owningOrganisationId, sourceSystem: p.sourceSystem },
        sha256Hex(stringify(offence) ?? ''),
      );
    }
    return written;
  }

  private writeCourtCase(
    db: Database,
    r: CourtCaseRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underArrest(db, t.courtCases, r.arrest, p, existing, links, () => ({
      courtName: r.courtName,
      firstHearingOn: r.firstHearingOn,
      plea: r.plea ?? null,
    }));
  }

  private writeDisposal(
    db: Database,
    r: DisposalRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underArrest(db, t.disposals, r.arrest, p, existing, links, async ({ arrestId, personId }) => {
      let offenceId: string | null = null;
      if (r.offenceSourceRecordId) {
        const key = await this.referenced(db, p, links, r.offenceSourceRecordId, 'offence', '/offenceSourceRecordId');
        const [offence] = await db
          .select({ arrestId: t.offences.arrestId })
          .from(t.offences)
          .where(eq(t.offences.id, key.recordId));
        if (offence?.arrestId !== arrestId) reject('/offenceSourceRecordId', 'the offence belongs to another arrest');
        offenceId = key.recordId;
      }
      let courtCaseId: string | null = null;
      if (r.courtCaseSourceRecordId) {
        const key = await this.referenced(
          db,
          p,
          links,
          r.courtCaseSourceRecordId,
          'court-case',
          '/courtCaseSourceRecordId',
        );
        if (key.personId !== personId) reject('/courtCaseSourceRecordId', 'the court case belongs to another person');
        courtCaseId = key.recordId;
      }
      return {
        offenceId,
        courtCaseId,
        outcome: r.outcome,
        disposedOn: r.disposedOn,
        recordable: r.recordable,
        sentence: r.sentence ?? null,
        custodialMonths: r.custodialMonths ?? null,
        jurisdiction: r.jurisdiction ?? 'ENGLAND_AND_WALES',
      };
    });
  }

  private writeCustodyRecord(
    db: Database,
    r: CustodyRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underArrest(db, t.custodyRecords, r.arrest, p, existing, links, () => ({
      custodyReference: r.custodyReference,
      station: r.station,
      openedAt: new Date(r.openedAt),
      releasedAt: r.releasedAt ? new Date(r.releasedAt) : null,
    }));
  }

  private async writeCustodyImage(
    db: Database,
    r: CustodyImageRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    const key = await this.referenced(
      db,
      p,
      links,
      r.custodyRecordSourceRecordId,
      'custody-record',
      '/custodyRecordSourceRecordId',
    );
    const [custody] = await db
      .select({ arrestId: t.custodyRecords.arrestId, personId: t.custodyRecords.personId })
      .from(t.custodyRecords)
      .where(eq(t.custodyRecords.id, key.recordId));
    if (!custody) return reject('/custodyRecordSourceRecordId', 'the custody record no longer exists');
    this.keepPerson(existing, custody.personId, '/custodyRecordSourceRecordId');
    const bytes = Buffer.from(r.contentBase64, 'base64');
    if (bytes.length > this.limits.custodyImageMaxBytes) {
      reject(
        '/contentBase64',
        `the image is ${bytes.length} bytes; the limit is ${this.limits.custodyImageMaxBytes} (LEDS_CUSTODY_IMAGE_MAX_BYTES)`,
      );
    }
    const sniffed = sniffImageType(bytes);
    if (sniffed !== r.mediaType)
      reject('/mediaType', `the bytes are ${sniffed ?? 'not a PNG or JPEG image'}, not \`${r.mediaType}\``);
    const [dob] = await db
      .select({ date: sql<string>`to_char(min(${t.personDatesOfBirth.dateOfBirth}), 'YYYY-MM-DD')` })
      .from(t.personDatesOfBirth)
      .where(eq(t.personDatesOfBirth.personId, custody.personId));
    const id = existing?.recordId ?? randomUUID();
    const [previous] = await db
      .select({ hash: t.custodyImages.contentSha256 })
      .from(t.custodyImages)
      .where(eq(t.custodyImages.id, id));
    const hash = await this.images.put(bytes);
    await upsertRow(db, t.custodyImages, t.custodyImages.id, {
      id,
      personId: custody.personId,
      arrestId: custody.arrestId,
      custodyRecordId: key.recordId,
      takenAt: new Date(r.takenAt),
      subjectAgeAtCapture: dob?.date ? ageOn(dob.date, new Date(r.takenAt)) : null,
      mediaType: r.mediaType,
      byteSize: bytes.length,
      contentSha256: hash,
      ...p,
    });
    return { recordId: id, personId: custody.personId, touchedImages: previous ? [hash, previous.hash] : [hash] };
  }

  private writeBiometricReference(
    db: Database,
    r: BiometricReferenceRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underPerson(db, t.biometricReferences, r.person, p, existing, links, async (personId) => {
      let arrestId: string | null = null;
      if (r.arrest) {
        const arrest = await this.resolveArrest(db, r.arrest, p, links);
        if (arrest.personId !== personId) reject('/arrest', 'the arrest belongs to another person');
        arrestId = arrest.arrestId;
      }
      if (r.identityConfirmed && r.biometricType !== 'FINGERPRINTS')
        reject('/identityConfirmed', 'only a fingerprint match confirms identity');
      return {
        arrestId,
        biometricType: r.biometricType,
        holdingSystem: r.holdingSystem,
        reference: r.reference,
        status: r.status,
        takenAt: new Date(r.takenAt),
        identityConfirmed: r.identityConfirmed ?? false,
        confirmedAt: r.confirmedAt ? new Date(r.confirmedAt) : null,
        takenUnder: r.takenUnder ?? 'ARREST',
        purposeFulfilledOn: r.purposeFulfilledOn ?? null,
        profileDerivedAt: r.profileDerivedAt ? new Date(r.profileDerivedAt) : null,
      };
    });
  }

  private writeAssociation(
    db: Database,
    r: AssociationRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underPerson(db, t.personAssociations, r.person, p, existing, links, async (personId) => {
      const associatePersonId = await this.resolvePerson(db, r.associate, p, links, '/associate');
      if (associatePersonId === personId) reject('/associate', 'a person cannot be their own associate');
      return { associatePersonId, relationship: r.relationship };
    });
  }

  private writeMarker(
    db: Database,
    r: MarkerRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underPerson(db, t.markers, r.person, p, existing, links, () => ({
      markerType: r.markerType,
      code: r.code,
      description: r.description,
      reviewDue: r.reviewDue,
    }));
  }

  private writeMissingPersonReport(
    db: Database,
    r: MissingPersonReportRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    links: Links,
  ): Promise<Written> {
    return this.underPerson(db, t.missingPersonReports, r.person, p, existing, links, () => {
      if (r.status === 'FOUND' && !r.foundAt) reject('/foundAt', 'is required when the status is FOUND');
      return {
        reportedAt: new Date(r.reportedAt),
        lastSeenAt: r.lastSeenAt ? new Date(r.lastSeenAt) : null,
        lastSeenLocation: r.lastSeenLocation ?? null,
        riskLevel: r.riskLevel,
        circumstances: r.circumstances,
        status: r.status,
        foundAt: r.foundAt ? new Date(r.foundAt) : null,
      };
    });
  }

  private async writeUnidentifiedRemains(
    db: Database,
    r: UnidentifiedRemainsRecordIn,
    p: Provenance,
    existing: SourceKey | undefined,
    _links: Links,
  ): Promise<Written> {
    if (r.estimatedAgeMin !== undefined && r.estimatedAgeMax !== undefined && r.estimatedAgeMin > r.estimatedAgeMax) {
      reject('/estimatedAgeMax', 'must not be less than estimatedAgeMin');
    }
    const id = existing?.recordId ?? randomUUID();
    await upsertRow(db, t.unidentifiedRemains, t.unidentifiedRemains.id, {
      id,
      foundOn: r.foundOn,
      foundLocation: r.foundLocation,
      sex: r.sex,
      estimatedAgeMin: r.estimatedAgeMin ?? null,
      estimatedAgeMax: r.estimatedAgeMax ?? null,
      description: r.description,
      ...p,
    });
    return { recordId: id, personId: null };
  }
}
