import { randomUUID } from 'node:crypto';
import { isCalendarDate } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { disposalById } from '../records/index.ts';
import { disposalNotFound, instrumentNotFound, itemNotFound, personNotFound } from './retention.errors.ts';
import { type InstrumentKind, instrumentKinds } from './retention.types.ts';
import type { RetentionDeletion } from './retention-deletion.ts';
import { addYears, extensionWindowOpens } from './retention-engine.ts';
import { loadPersonFacts } from './retention-facts.ts';
import {
  endInstrumentOn,
  insertDisregard,
  insertInstrument,
  instrumentById,
  instrumentsOfItem,
} from './retention-instruments.repository.ts';
import type { RetentionOfficerAccess } from './retention-officer-access.ts';
import type { Redecision } from './retention-redecision.ts';
import { RetentionUseCase, type RetentionWiring } from './retention-use-case.ts';

/** What an instrument records: the item (or, for a hold on everything, the person) and what was made. */
export interface InstrumentInput {
  itemId?: string;
  personId?: string;
  kind: InstrumentKind;
  appliedOn?: string;
  madeOn: string;
  until?: string;
  madeBy: string;
  evidence: string;
  policingPurpose?: string;
}
type Invalid = (field: string, message: string) => never;
type StoredDecision = Awaited<ReturnType<RetentionOfficerAccess['decisionOf']>>;

/** Instruments that stop, defer or shorten deletion, and convictions disregarded on the Secretary of State's direction. */
export class RetentionInstruments extends RetentionUseCase {
  constructor(
    wiring: RetentionWiring,
    private readonly redecision: Redecision,
    private readonly deletion: RetentionDeletion,
  ) {
    super(wiring);
  }

  /** Records an extension, consent, determination, court order, exceptional retention or hold, checked first. */
  async recordInstrument(ctx: RequestContext, input: InstrumentInput) {
    await this.officer.requireOwnForce(ctx);
    const invalid: Invalid = (field, message) => {
      throw new LedsError('RETENTION_INSTRUMENT_INVALID', `${input.kind}: ${message}`, [{ field, message }]);
    };
    checkInstrumentFields(input, invalid);
    const { personId, decision, owningOrganisationId } = await this.instrumentSubject(ctx, input, invalid);
    await this.checkInstrumentKind(input, personId, decision, invalid);
    if (input.until && input.until < input.madeOn) invalid('until', 'must not be before the date it was made');
    const id = await this.storeInstrument(ctx, input, personId, owningOrganisationId);
    await this.redecision.reevaluate(ctx, [personId]);
    return { id, personId, ...input };
  }

  /** Whose the instrument is: the item's decision, or the person a hold on everything is placed on. */
  private async instrumentSubject(ctx: RequestContext, input: InstrumentInput, invalid: Invalid) {
    let personId: string;
    let decision: Awaited<ReturnType<RetentionOfficerAccess['decisionOf']>> | undefined;
    let owningOrganisationId: string;
    if (input.kind === 'LEGAL_HOLD' && !input.itemId) {
      if (!input.personId || !isUuid(input.personId)) return invalid('personId', 'name the person or the item held');
      personId = input.personId;
      // A hold on the whole person stops every force's deletions: it is the person record's owner's to make.
      owningOrganisationId = await this.officer.personOwner(ctx, personId);
      await this.officer.decideOrNotFound(ctx, { owningOrganisationId, personId }, () => personNotFound(personId));
    } else {
      if (!input.itemId) return invalid('itemId', 'name the item it applies to');
      const itemId = input.itemId;
      decision = await this.officer.decisionOf(ctx, itemId);
      personId = decision.personId;
      owningOrganisationId = decision.owningOrganisationId;
      await this.officer.decideOrNotFound(ctx, { owningOrganisationId, personId }, () => itemNotFound(itemId));
    }
    return { personId, decision, owningOrganisationId };
  }

  /** The rules of each kind of instrument: what it may apply to, and the dates the law sets. */
  private async checkInstrumentKind(
    input: InstrumentInput,
    personId: string,
    decision: StoredDecision | undefined,
    invalid: Invalid,
  ) {
    const itemKind = decision?.itemKind ?? null;
    switch (input.kind) {
      case 'DISTRICT_JUDGE_EXTENSION': {
        if (decision?.ruleId !== 'B4' && decision?.ruleId !== 'B5')
          invalid('itemId', 'a District Judge extends only the 3-year retention of B4 or B5 (PACE s63F(7))');
        const existing = await this.instrumentsOf(input.itemId as string, 'DISTRICT_JUDGE_EXTENSION');
        if (existing.length > 0)
          invalid('itemId', 'an extension was already granted; there is no further extension (s63F(10))');
        const facts = (await loadPersonFacts(this.db, [personId]))[0];
        const taken = facts?.biometrics.find((b) => b.id === input.itemId)?.takenOn;
        if (!taken) return invalid('itemId', 'only biometric material can be extended');
        const expiry = addYears(taken, 3);
        const applied = input.appliedOn ?? invalid('appliedOn', 'give the date the application was made');
        const windowOpens = extensionWindowOpens(expiry, this.settings);
        if (applied < windowOpens || applied > expiry)
          invalid(
            'appliedOn',
            `the application must be made in the 3 months before ${expiry} (CrimPR 47.35(2)(a)), from ${windowOpens}`,
          );
        input.until = addYears(expiry, 2);
        break;
      }
      case 'BIOMETRICS_COMMISSIONER_CONSENT':
        if (decision?.ruleId !== 'B5')
          invalid(
            'itemId',
            'the Commissioner consents only for B5 material (arrested for a qualifying offence, not charged)',
          );
        break;
      case 'NATIONAL_SECURITY_DETERMINATION': {
        if (itemKind !== 'BIOMETRIC_REFERENCE') invalid('itemId', 'a determination applies to fingerprints or DNA');
        const until = input.until ?? invalid('until', 'give the date the determination ends');
        const maximum = addYears(input.madeOn, this.settings.nsdMaxYears);
        if (until > maximum)
          invalid(
            'until',
            `a determination lasts at most ${this.settings.nsdMaxYears} years (LEDS_RETENTION_NSD_MAX_YEARS): until ${maximum} at the latest`,
          );
        break;
      }
      case 'EXCEPTIONAL_RETENTION':
        if (itemKind !== 'CUSTODY_IMAGE') invalid('itemId', 'exceptional retention applies to custody images');
        if (!input.policingPurpose?.trim())
          invalid('policingPurpose', 'record the policing purpose the image is kept for');
        break;
      case 'CPIA_ORDER':
        if (itemKind !== 'BIOMETRIC_REFERENCE') invalid('itemId', 'a CPIA order applies to a DNA sample');
        break;
      default:
        break;
    }
  }

  private async storeInstrument(
    ctx: RequestContext,
    input: InstrumentInput,
    personId: string,
    owningOrganisationId: string,
  ) {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await insertInstrument(tx as Database, {
        id,
        personId,
        itemId: input.itemId ?? null,
        owningOrganisationId,
        kind: input.kind,
        appliedOn: input.appliedOn ?? null,
        madeOn: input.madeOn,
        until: input.until ?? null,
        madeBy: input.madeBy,
        evidence: input.evidence,
        policingPurpose: input.policingPurpose ?? null,
        recordedBy: ctx.actor.name,
        recordedAt: this.clock.now(),
      });
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'RETENTION_INSTRUMENT_RECORDED',
          action: 'retention.decide',
          subjects: [personId],
          details: {
            instrumentId: id,
            kind: input.kind,
            itemId: input.itemId ?? null,
            madeOn: input.madeOn,
            until: input.until ?? null,
          },
        },
      ]);
    });
    return id;
  }

  instrumentsOf(itemId: string, kind: InstrumentKind) {
    return instrumentsOfItem(this.db, itemId, kind);
  }

  /** Ends an instrument: consent withdrawn, a hold lifted, a determination revoked. */
  async endInstrument(ctx: RequestContext, instrumentId: string, endedOn: string, reason: string) {
    await this.officer.requireOwnForce(ctx);
    if (!reason?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', 'say why it ends', [{ field: 'reason', message: 'required' }]);
    if (!isCalendarDate(endedOn))
      throw new LedsError('RETENTION_INSTRUMENT_INVALID', `\`${endedOn}\` is not a date`, [
        { field: 'endedOn', message: 'must be a date, YYYY-MM-DD' },
      ]);
    const [instrument] = isUuid(instrumentId) ? await instrumentById(this.db, instrumentId) : [];
    if (!instrument) return this.officer.refuseUnknown(ctx, instrumentNotFound(instrumentId));
    await this.officer.decideOrNotFound(ctx, instrument, () => instrumentNotFound(instrumentId));
    await this.db.transaction(async (tx) => {
      await endInstrumentOn(tx as Database, instrumentId, endedOn);
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'RETENTION_INSTRUMENT_ENDED',
          action: 'retention.decide',
          subjects: [instrument.personId],
          details: { instrumentId, kind: instrument.kind, endedOn },
          // The reason is free text: sealed in the vault, not kept in the log for ever.
          shown: { reason },
        },
      ]);
    });
    return this.redecision.reevaluate(ctx, [instrument.personId]);
  }

  /** PoFA Part 5 Ch 4: deletes a conviction on the Secretary of State's direction (brief 5.4 P8, T22). */
  async disregardConviction(ctx: RequestContext, disposalId: string, direction: string) {
    await this.officer.requireOwnForce(ctx);
    if (!direction?.trim())
      throw new LedsError('RETENTION_REASON_REQUIRED', "cite the Secretary of State's direction", [
        { field: 'direction', message: 'required' },
      ]);
    const disposal = await disposalById(this.db, disposalId);
    if (!disposal) return this.officer.refuseUnknown(ctx, disposalNotFound(disposalId));
    await this.officer.decideOrNotFound(ctx, disposal, () => disposalNotFound(disposalId));
    await insertDisregard(this.db, {
      id: randomUUID(),
      personId: disposal.personId,
      arrestId: disposal.arrestId,
      disregardedOn: this.today(),
      direction,
      recordedBy: ctx.actor.name,
    });
    await this.deletion.destroy(
      ctx,
      [
        {
          personId: disposal.personId,
          itemKind: 'DISPOSAL',
          itemId: disposalId,
          ruleId: 'P8',
          reason: `disregarded conviction: ${direction}`,
        },
      ],
      ctx.actor.name,
    );
    return this.redecision.reevaluate(ctx, [disposal.personId]);
  }
}

/** The fields every instrument records: its kind, evidence, who made it and its dates. */
function checkInstrumentFields(input: InstrumentInput, invalid: Invalid) {
  if (!instrumentKinds.includes(input.kind)) invalid('kind', `must be one of ${instrumentKinds.join(', ')}`);
  if (!input.evidence?.trim()) invalid('evidence', 'record the evidence (order, consent form, determination)');
  if (!input.madeBy?.trim()) invalid('madeBy', 'record who made it');
  for (const field of ['madeOn', 'appliedOn', 'until'] as const) {
    const value = input[field];
    if ((field === 'madeOn' || value) && !isCalendarDate(value ?? '')) invalid(field, 'must be a date, YYYY-MM-DD');
  }
}
