import type { Clock } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AccessDecisions } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import {
  closeHeldRecord,
  findHeldRecordById,
  type HeldRecordRow,
  heldBehind,
  heldForReview,
  heldFromOrganisation,
} from './held-records.ts';
import { isProtectedIdentity } from './person-flags.ts';
import {
  findPossibleDuplicate,
  markPossibleDuplicateReviewed,
  possibleDuplicatesForReview,
} from './possible-duplicates.ts';
import type { IntakeSource, LinkTarget, RecordIntake } from './record-intake.ts';
import type { InboundRecord } from './records.schemas.ts';
import type { RecordsService } from './records.service.ts';

const notFound = () => new LedsError('RECORDS_NOT_FOUND', 'no such held record');

/** A held record as its reviewer sees it: what was sent, by whom, and the person it names. */
export interface HeldRecordForReview {
  id: string;
  personId: string | null;
  pushedBy: string;
  sourceSystem: string;
  sourceRecordId: string;
  recordKind: string;
  reason: string;
  receivedAt: string;
  record: unknown;
}

/**
 * A nominal a pushed person record made, sharing an identifier with a person the reviewer's force owns whom the
 * pusher may not see (so it was neither merged nor refused).
 */
export interface PossibleDuplicateForReview {
  id: string;
  /** The nominal the pushed record made. */
  personId: string;
  /** The reviewer's force's person who already held the identifier. */
  otherPersonId: string;
  pushedBy: string;
  sourceSystem: string;
  sourceRecordId: string;
  identifierType: string;
  value: string;
  foundAt: string;
}

/** A record a pusher's systems sent that is not linked to a person the pusher may see: the same for every cause. */
export interface RecordNotLinked {
  id: string;
  sourceSystem: string;
  sourceRecordId: string;
  recordKind: string;
  ingestBatchId: string | null;
  receivedAt: string;
}

/**
 * Reviewing pushed records that LEDS held (docs/access.md, ingest replies): the force that owns the person a
 * record names links it to them or refuses it; the pushing force sees what of its own is not linked to a person it
 * may see, all alike, so that nothing tells it whether a hidden person stands behind one.
 */
export class HeldRecordsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessDecisions,
    private readonly audit: AuditTrail,
    private readonly intake: RecordIntake,
    /** The records module's reading rules: whether the pusher's organisation could see a person. */
    private readonly people: Pick<RecordsService, 'organisationCouldSee'>,
    private readonly clock: Clock,
    /** The code and kind of an organisation, by id (the access module's). */
    private readonly organisation: (organisationId: string) => Promise<{ code: string; kind: string } | undefined>,
    /** Told which people's records changed once a link is committed: retention re-decides them. */
    private readonly onRecordsChanged?: (personIds: string[]) => Promise<unknown>,
  ) {}

  private async mayReview(ctx: RequestContext, held: { protectedIdentity: boolean }) {
    return (
      await this.access.decide(ctx, 'held-record.review', {
        owningOrganisationId: ctx.organisation.id,
        protectedIdentity: held.protectedIdentity,
      })
    ).allowed;
  }

  /** Records held against people the caller's force owns, that the caller may see. Audited: they name people. */
  async forReview(ctx: RequestContext, options: { limit?: number } = {}): Promise<HeldRecordForReview[]> {
    await this.access.require(ctx, 'held-record.review', { owningOrganisationId: ctx.organisation.id });
    const rows = await heldForReview(this.db, ctx.organisation.id, options.limit ?? 200);
    const shown: HeldRecordForReview[] = [];
    for (const { held, protectedIdentity } of rows) {
      if (!(await this.mayReview(ctx, { protectedIdentity }))) continue;
      shown.push({
        id: held.id,
        personId: held.personId,
        pushedBy: (await this.organisation(held.owningOrganisationId))?.code ?? held.owningOrganisationId,
        sourceSystem: held.sourceSystem,
        sourceRecordId: held.sourceRecordId,
        recordKind: held.recordKind,
        reason: held.reason,
        receivedAt: held.receivedAt.toISOString(),
        record: held.record,
      });
    }
    await this.audit.record(ctx, {
      kind: 'HELD_RECORDS_VIEWED',
      action: 'held-record.review',
      subjects: shown.map((h) => h.personId).filter((id): id is string => id !== null),
      details: { view: 'held for review', count: shown.length },
      shown,
    });
    return shown;
  }

  /** What the caller's own systems sent that is not linked to a person the caller may see. */
  async notLinked(ctx: RequestContext, options: { limit?: number } = {}): Promise<RecordNotLinked[]> {
    await this.access.require(ctx, 'ingest-batch.view');
    const rows = await heldFromOrganisation(this.db, ctx.organisation.id, options.limit ?? 200);
    // SECURITY: neither the reason, nor the reviewer's decision, nor the content (gone once decided): only what the
    // pusher itself sent and when, identical whether a hidden person or no person stands behind it.
    const shown = rows.map((h) => ({
      id: h.id,
      sourceSystem: h.sourceSystem,
      sourceRecordId: h.sourceRecordId,
      recordKind: h.recordKind,
      ingestBatchId: h.ingestBatchId,
      receivedAt: h.receivedAt.toISOString(),
    }));
    await this.audit.record(ctx, {
      kind: 'HELD_RECORDS_VIEWED',
      action: 'ingest-batch.view',
      details: { view: 'not linked', count: shown.length },
      shown,
    });
    return shown;
  }

  /** The held record the caller reviews, or not found: another force's, a decided one, and none look the same. */
  private async reviewable(ctx: RequestContext, heldId: string): Promise<HeldRecordRow> {
    await this.access.require(ctx, 'held-record.review', { owningOrganisationId: ctx.organisation.id });
    const held = isUuid(heldId) ? await findHeldRecordById(this.db, heldId) : undefined;
    if (held?.status !== 'HELD' || held.reviewingOrganisationId !== ctx.organisation.id || !held.personId)
      throw notFound();
    // The named person's flag is read now, not when the record was held, so a change of flag is honoured at once.
    if (!(await this.mayReview(ctx, { protectedIdentity: await isProtectedIdentity(this.db, held.personId) })))
      throw notFound();
    return held;
  }

  /**
   * Links a held record to the person it names, as if its pusher had been allowed to: it is applied under the
   * pusher's provenance, and so are the records of the same system that were held behind it.
   */
  async link(ctx: RequestContext, heldId: string, reason: string | null) {
    const held = await this.reviewable(ctx, heldId);
    const person = held.personId as string;
    const pusher = await this.organisation(held.owningOrganisationId);
    const couldSee = await this.people.organisationCouldSee({
      ...ctx,
      organisation: { id: held.owningOrganisationId, code: pusher?.code ?? '', kind: pusher?.kind ?? '' },
    });
    // What the reviewer allows: the named person; beyond them, only what any pusher of that kind could link to,
    // and only people the pusher's organisation could see.
    const mayLink = async (target: LinkTarget, db: Database) =>
      target.personId === person ||
      (!target.protectedIdentity &&
        (!target.intelligenceOnly || pusher?.kind === 'POLICE_FORCE') &&
        (await couldSee(target.personId, db)));
    const review = { by: `${ctx.actor.kind}:${ctx.actor.name}`, reason };
    const linked: string[] = [];
    await this.db.transaction(async (tx) => {
      const apply = async (row: HeldRecordRow) => {
        const source: IntakeSource = {
          organisationId: row.owningOrganisationId,
          sourceSystem: row.sourceSystem,
          ingestBatchId: row.ingestBatchId,
          mayLink,
          review,
        };
        const outcome = await this.intake.receive(tx as Database, row.record as InboundRecord, source);
        if (!outcome.held) linked.push(row.id);
        return !outcome.held;
      };
      if (!(await apply(held))) throw new LedsError('RECORDS_NOT_FOUND', 'the held record still cannot be linked');
      // Records held because they refer to one now linked: apply them in the order they came, until none moves.
      for (let moved = true; moved; ) {
        moved = false;
        for (const row of await heldBehind(tx as Database, held.sourceSystem)) {
          if (row.personId === person && (await apply(row))) moved = true;
        }
      }
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'HELD_RECORD_LINKED',
          action: 'held-record.review',
          subjects: [person],
          reasons: reason ? [reason] : [],
          details: { heldRecordIds: linked, sourceSystem: held.sourceSystem, sourceRecordId: held.sourceRecordId },
        },
      ]);
    });
    await this.onRecordsChanged?.([person]);
    return { linked: linked.length };
  }

  /** Refuses a held record (and those held behind it): its content goes, its trace stays. */
  async refuse(ctx: RequestContext, heldId: string, reason: string) {
    if (!reason?.trim())
      throw new LedsError('REQUEST_INVALID', 'say why the record is refused', [
        { field: 'reason', message: 'required' },
      ]);
    const held = await this.reviewable(ctx, heldId);
    const decision = { at: this.clock.now(), by: `${ctx.actor.kind}:${ctx.actor.name}`, reason };
    await this.db.transaction(async (tx) => {
      const behind = (await heldBehind(tx as Database, held.sourceSystem)).filter((r) => r.personId === held.personId);
      for (const row of [held, ...behind]) await closeHeldRecord(tx as Database, row.id, 'REFUSED', decision);
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'HELD_RECORD_REFUSED',
          action: 'held-record.review',
          subjects: held.personId ? [held.personId] : [],
          reasons: [reason],
          details: { heldRecordIds: [held.id, ...behind.map((r) => r.id)], sourceSystem: held.sourceSystem },
        },
      ]);
    });
    return { refused: 1 };
  }

  /** Possible duplicates of people the caller's force owns, that the caller may see. Audited: they name people. */
  async possibleDuplicates(
    ctx: RequestContext,
    options: { limit?: number } = {},
  ): Promise<PossibleDuplicateForReview[]> {
    await this.access.require(ctx, 'held-record.review', { owningOrganisationId: ctx.organisation.id });
    const shown: PossibleDuplicateForReview[] = [];
    for (const row of await possibleDuplicatesForReview(this.db, ctx.organisation.id, options.limit ?? 200)) {
      if (!(await this.mayReview(ctx, { protectedIdentity: await isProtectedIdentity(this.db, row.otherPersonId) })))
        continue;
      shown.push({
        id: row.id,
        personId: row.personId,
        otherPersonId: row.otherPersonId,
        pushedBy: (await this.organisation(row.pushedByOrganisationId))?.code ?? row.pushedByOrganisationId,
        sourceSystem: row.sourceSystem,
        sourceRecordId: row.sourceRecordId,
        identifierType: row.identifierType,
        value: row.value,
        foundAt: row.foundAt.toISOString(),
      });
    }
    await this.audit.record(ctx, {
      kind: 'HELD_RECORDS_VIEWED',
      action: 'held-record.review',
      subjects: [...new Set(shown.flatMap((d) => [d.otherPersonId, d.personId]))],
      details: { view: 'possible duplicates', count: shown.length },
      shown,
    });
    return shown;
  }

  /**
   * Notes what the caller's force makes of a possible duplicate (the same person or not, and what it did about it),
   * which closes it. Another force's, a reviewed one, and none look the same.
   */
  async reviewPossibleDuplicate(ctx: RequestContext, id: string, note: string) {
    if (!note?.trim())
      throw new LedsError('REQUEST_INVALID', 'say what your force makes of it', [
        { field: 'note', message: 'required' },
      ]);
    await this.access.require(ctx, 'held-record.review', { owningOrganisationId: ctx.organisation.id });
    const row = isUuid(id) ? await findPossibleDuplicate(this.db, id) : undefined;
    if (row?.status !== 'OPEN' || row.reviewingOrganisationId !== ctx.organisation.id)
      throw new LedsError('RECORDS_NOT_FOUND', 'no such possible duplicate');
    if (!(await this.mayReview(ctx, { protectedIdentity: await isProtectedIdentity(this.db, row.otherPersonId) })))
      throw new LedsError('RECORDS_NOT_FOUND', 'no such possible duplicate');
    const by = `${ctx.actor.kind}:${ctx.actor.name}`;
    await this.db.transaction(async (tx) => {
      await markPossibleDuplicateReviewed(tx as Database, row.id, { at: this.clock.now(), by, note: note.trim() });
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'POSSIBLE_DUPLICATE_REVIEWED',
          action: 'held-record.review',
          subjects: [row.otherPersonId, row.personId],
          reasons: [note.trim()],
          details: { possibleDuplicateId: row.id, identifierType: row.identifierType },
        },
      ]);
    });
    return { reviewed: 1 };
  }
}
