import { randomBytes } from 'node:crypto';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AccessDecisions, ProtectedView } from '../access/index.ts';
import type { AuditEvent, AuditTrail } from '../audit/index.ts';
import type { CustodyImageStore } from './custody-image-store.ts';
import { parseCroNumber, parsePncId } from './identifiers.ts';
import { classVisible, type VisibilityRules } from './identity-visibility.ts';
import { applyProtectedView, personIdentityVisible } from './protected-view.ts';
import type { LoadedPersonRecord, RecordsRepository } from './records.repository.ts';
import type { PersonRecordView, PersonSearchQuery, PersonSummary } from './records.schemas.ts';

/** The sections of a person's record that can be fetched on their own. */
export type PersonSection =
  | 'events'
  | 'custodyImages'
  | 'biometricReferences'
  | 'missingPersonReports'
  | 'markers'
  | 'associates';

/** What a read hands back to be returned, and what its audit entry records. */
interface AuditedRead<T> {
  value: T;
  subjects: string[];
  shown: unknown;
  reasons: string[];
  details?: Record<string, unknown>;
}

/** A refusal made to look like "not found" (STYLE: a denied read looks like not found) keeps its real reason here. */
const refused = (message: string, cause: unknown) => new LedsError('RECORDS_NOT_FOUND', message, [], { cause });

/**
 * Use cases on person records. INVARIANT: the one way to person data; each method asks the access decision
 * first, so the protected view and the audit write (issues 3 and 4) slot into this same path.
 */
export class RecordsService {
  constructor(
    private readonly repository: RecordsRepository,
    private readonly access: AccessDecisions,
    private readonly audit: AuditTrail,
    private readonly images: CustodyImageStore,
    private readonly settings: {
      searchResultLimit: number;
      datasets: readonly { code: string; gatheredFor: string[] }[];
      purposes: readonly { code: string }[];
    },
  ) {
    this.datasetPurposes = Object.fromEntries(settings.datasets.map((d) => [d.code, d.gatheredFor]));
  }

  /** The purposes each dataset was gathered for: what a row that declares none was gathered for. */
  private readonly datasetPurposes: Readonly<Record<string, readonly string[]>>;

  /**
   * Whether the caller's organisation could see a person under some purpose it may read people for, by the
   * record-level rules of each such purpose (as its reading systems and officers would be shown them). SECURITY:
   * a pushed record follows a reference only to a person this allows (besides Cedar's `person.link`), for linking
   * tells the pusher that a person holds the PNC ID or arrest/summons number it named, through what it then
   * finds and what it sees listed as not linked; an agency that may use nothing gathered to find the missing
   * links nothing to a person known only from a missing-person report. Decided once per call; one small statement
   * a person where a purpose limits what may be used, none where one does not.
   */
  async organisationCouldSee(ctx: RequestContext): Promise<(personId: string, db: Database) => Promise<boolean>> {
    const rulesByPurpose: VisibilityRules[] = [];
    for (const { code } of this.settings.purposes) {
      const reader: RequestContext = { ...ctx, roles: ['OFFICER', 'SYSTEM_READ'], purpose: code };
      const view = await this.access.viewFor(reader);
      if (!view.visible.has('NOMINAL_IDENTITY')) continue;
      rulesByPurpose.push({
        intelligence: view.visible.has('INTELLIGENCE'),
        // Who may link to a protected identity is Cedar's `person.link`, asked beside this.
        protectedIdentity: true,
        limitedPurposes: view.limitedPurposes,
        datasetPurposes: this.datasetPurposes,
      });
    }
    if (rulesByPurpose.some((r) => r.intelligence && r.limitedPurposes.length === 0)) return async () => true;
    return async (personId, db) => {
      for (const rules of rulesByPurpose) {
        const person = await this.repository.personVisibility(personId, rules, db);
        if (person?.named && (rules.intelligence || !person.intelligence)) return true;
      }
      return false;
    };
  }

  /** Finds people by PNC ID, by CRO number, or by surname with a forename and/or date of birth. */
  async searchPeople(ctx: RequestContext, query: PersonSearchQuery): Promise<PersonSummary[]> {
    return this.audited(
      ctx,
      // PRIVACY: the entry says which criteria were given, never their values. The names, dates of birth and
      // numbers searched for are sealed in the vault with the results (below), so they expire with what was shown
      // instead of staying in the log for ever, a deleted person's among them (DPA 2018 s62 asks for what was
      // consulted, by id, and why). A random pepper in the sealed content keeps the entry's hash of it from
      // confirming a guess of a few criteria.
      { kind: 'SEARCH_PERFORMED', action: 'person.search', details: { criteriaGiven: Object.keys(query).sort() } },
      async () => {
        const decision = await this.access.require(ctx, 'person.search');
        const { rules, reasons } = await this.visibilityFor(ctx, 'person.search');
        const { people, withheld } = await this.findPeople(query, rules);
        return {
          value: people,
          subjects: people.map((p) => p.personId),
          shown: { criteria: { ...query }, results: people, pepper: randomBytes(16).toString('base64url') },
          reasons: [...decision.reasons, ...reasons],
          // SECURITY: who a search matched but did not show, and why, is for auditors: the caller is told nothing.
          details: withheld.length > 0 ? { withheld } : undefined,
        };
      },
    );
  }

  /**
   * The record-level rules for this caller and purpose (identity-visibility.ts): what the protected view lets
   * them see of intelligence and of purpose-limited material, and whether they may see a protected identity.
   */
  private async visibilityFor(
    ctx: RequestContext,
    action: 'person.search' | 'person.view',
  ): Promise<{ rules: VisibilityRules; view: ProtectedView; reasons: string[] }> {
    const view = await this.access.viewFor(ctx);
    const protectedIdentity = (await this.access.decide(ctx, action, { protectedIdentity: true })).allowed;
    return {
      view,
      reasons: view.reasons,
      rules: {
        intelligence: view.visible.has('INTELLIGENCE'),
        protectedIdentity,
        limitedPurposes: view.limitedPurposes,
        datasetPurposes: this.datasetPurposes,
      },
    };
  }

  private async findPeople(query: PersonSearchQuery, rules: VisibilityRules) {
    if (query.pncId) {
      const pnc = parsePncId(query.pncId);
      if (!pnc.ok)
        throw new LedsError('RECORDS_INVALID_IDENTIFIER', `\`${query.pncId}\` is not a PNC ID`, [
          { field: 'pncId', message: pnc.reason },
        ]);
      return this.repository.findPeopleByIdentifier('PNC_ID', pnc.value, rules, this.settings.searchResultLimit);
    }
    if (query.croNumber) {
      const cro = parseCroNumber(query.croNumber);
      if (!cro.ok) {
        throw new LedsError('RECORDS_INVALID_IDENTIFIER', `\`${query.croNumber}\` is not a CRO number`, [
          { field: 'croNumber', message: cro.reason },
        ]);
      }
      return this.repository.findPeopleByIdentifier('CRO_NUMBER', cro.value, rules, this.settings.searchResultLimit);
    }
    const surname = query.surname?.trim();
    const forename = query.forename?.trim() || undefined;
    if (!surname || !(forename || query.dateOfBirth)) {
      throw new LedsError(
        'RECORDS_SEARCH_CRITERIA_REQUIRED',
        'give a PNC ID, a CRO number, or a surname with a forename or date of birth',
        [{ field: surname ? 'forename' : 'surname', message: 'is required for a name search' }],
      );
    }
    return this.repository.findPeopleByName(
      surname,
      forename,
      query.dateOfBirth,
      rules,
      this.settings.searchResultLimit,
    );
  }

  /**
   * A person's record as the protected view allows. SECURITY: a person who does not exist, one the caller may
   * not view, and one whose identity the view withholds all answer the same RECORDS_NOT_FOUND.
   */
  async viewPerson(ctx: RequestContext, personId: string): Promise<PersonRecordView> {
    return this.audited(ctx, { kind: 'PERSON_VIEWED', action: 'person.view', subjects: [personId] }, async () => {
      const { record, reasons } = await this.protectedRecord(ctx, personId);
      return { value: record, subjects: [personId], shown: record, reasons };
    });
  }

  /**
   * Runs a read and audits it. INVARIANT (no audit, no data): the value is returned only after its audit entry
   * is durable, and a refusal or failure is audited before the error goes back.
   */
  private async audited<T>(
    ctx: RequestContext,
    event: Pick<AuditEvent, 'kind' | 'action' | 'subjects' | 'details'>,
    read: () => Promise<AuditedRead<T>>,
  ): Promise<T> {
    let result: AuditedRead<T>;
    try {
      result = await read();
    } catch (error) {
      if (error instanceof LedsError) {
        const cause = (error as { cause?: unknown }).cause;
        const denied =
          error.code.startsWith('ACCESS_') || (cause instanceof LedsError && cause.code.startsWith('ACCESS_'));
        await this.audit.record(ctx, {
          kind: 'ACCESS_REFUSED',
          action: event.action,
          outcome: denied ? 'DENIED' : 'FAILED',
          subjects: event.subjects,
          reasons: [error.code, ...(cause instanceof LedsError ? [cause.code] : [])],
          // PRIVACY: a refusal's own words are LEDS's; a bad request's echo what the caller typed (a PNC ID that
          // does not parse), which would stay in the log for ever: only the fields it names are kept.
          details: denied
            ? { ...event.details, message: error.message }
            : { ...event.details, fields: error.fieldProblems.map((problem) => problem.field) },
        });
      }
      throw error;
    }
    await this.audit.record(ctx, {
      kind: event.kind,
      action: event.action,
      subjects: result.subjects,
      reasons: result.reasons,
      details: { ...event.details, ...result.details },
      shown: result.shown,
    });
    return result.value;
  }

  /** The record as the caller's protected view shows it, with the policy reasons behind that view. */
  private async protectedRecord(
    ctx: RequestContext,
    personId: string,
  ): Promise<{ record: PersonRecordView; reasons: string[] }> {
    const decision = await this.requireOrNotFound(ctx, 'person.view', 'no such person');
    const { rules, view } = await this.visibilityFor(ctx, 'person.view');
    // SECURITY: the person-level rules are decided by one small statement before the whole record is loaded, so
    // that a person the caller may not see is refused at the cost of an unknown id, not of a record read.
    const found =
      isUuid(personId) && view.visible.has('NOMINAL_IDENTITY')
        ? await this.repository.personVisibility(personId, rules)
        : undefined;
    if (!found) throw new LedsError('RECORDS_NOT_FOUND', 'no such person');
    const intelligenceWithheld = () =>
      refused('no such person', new LedsError('ACCESS_DENIED', 'intelligence is withheld from this view'));
    if (found.intelligence && !view.visible.has('INTELLIGENCE')) throw intelligenceWithheld();
    if (found.protectedIdentity)
      await this.requireOrNotFound(ctx, 'person.view', 'no such person', { protectedIdentity: true });
    // INVARIANT: a person is shown only where some name of theirs came from a record the caller may use; a person
    // known only from a missing-person report is not found for immigration enforcement (identity-visibility.ts).
    const purposeLimited = () =>
      refused(
        'no such person',
        new LedsError(
          'ACCESS_PURPOSE_LIMITED',
          `this person is known only from records \`${ctx.purpose}\` may not use`,
        ),
      );
    if (!found.namedByClass) throw intelligenceWithheld();
    if (!found.named) throw purposeLimited();
    const record = await this.repository.loadPersonRecord(personId);
    if (!record) throw new LedsError('RECORDS_NOT_FOUND', 'no such person');
    // The same rules over the loaded record (they agree with the SQL: test/access.test.ts); a record that changed
    // between the two reads is refused rather than shown by the older answer.
    if (record.provenance.materialClass === 'INTELLIGENCE' && !view.visible.has('INTELLIGENCE'))
      throw intelligenceWithheld();
    if (record.protectedIdentity && !found.protectedIdentity)
      await this.requireOrNotFound(ctx, 'person.view', 'no such person', { protectedIdentity: true });
    if (!personIdentityVisible(record, rules))
      throw record.names.every((n) => !classVisible(n.provenance, rules)) ? intelligenceWithheld() : purposeLimited();
    const shown = applyProtectedView(record, view, rules);
    return {
      record: { ...shown, associates: await this.visibleAssociates(shown.associates, rules) },
      reasons: [...decision.reasons, ...view.reasons],
    };
  }

  /**
   * SECURITY: an associate is a person. Each is shown only where a search would show them to this caller, under
   * the name the caller may see; the others are left out without a trace in the answer.
   */
  private async visibleAssociates(
    associates: LoadedPersonRecord['associates'],
    rules: VisibilityRules,
  ): Promise<PersonRecordView['associates']> {
    if (associates === null) return null;
    const people = new Map(
      (await this.repository.summarisePeople([...new Set(associates.map((a) => a.associatePersonId))], rules)).map(
        (p) => [p.personId, p],
      ),
    );
    return associates.flatMap((a) => {
      const person = people.get(a.associatePersonId);
      return person ? [{ ...a, forenames: person.forenames, surname: person.surname }] : [];
    });
  }

  /**
   * One section of a person's record. Where the protected view withholds it, the caller is refused and told
   * why: ACCESS_PURPOSE_LIMITED when the purpose may never use it (missing person data for immigration
   * enforcement), ACCESS_DENIED when the agreement does not grant it.
   */
  async personSection<S extends PersonSection>(
    ctx: RequestContext,
    personId: string,
    section: S,
  ): Promise<NonNullable<PersonRecordView[S]>> {
    return this.audited(
      ctx,
      { kind: 'PERSON_SECTION_VIEWED', action: 'person.view', subjects: [personId], details: { section } },
      async () => {
        const { record, reasons } = await this.protectedRecord(ctx, personId);
        const value = record[section];
        if (value === null) {
          const reason = record.view.withheld.find((w) => w.section === section)?.reason ?? 'not granted';
          const limited = reason.includes('never available');
          throw new LedsError(
            limited ? 'ACCESS_PURPOSE_LIMITED' : 'ACCESS_DENIED',
            `${section} withheld for \`${ctx.purpose}\`: ${reason}`,
          );
        }
        return {
          value: value as NonNullable<PersonRecordView[S]>,
          subjects: [personId],
          shown: { [section]: value },
          reasons,
        };
      },
    );
  }

  private async requireOrNotFound(
    ctx: RequestContext,
    action: 'person.view' | 'custody-image.view',
    message: string,
    person?: { protectedIdentity: boolean },
  ) {
    try {
      return await this.access.require(ctx, action, person);
    } catch (error) {
      if (error instanceof LedsError && error.code === 'ACCESS_DENIED') throw refused(message, error);
      throw error;
    }
  }

  /** The bytes of one custody image of a person. */
  async custodyImageContent(
    ctx: RequestContext,
    personId: string,
    imageId: string,
  ): Promise<{ bytes: Buffer; mediaType: string }> {
    return this.audited(
      ctx,
      { kind: 'CUSTODY_IMAGE_VIEWED', action: 'custody-image.view', subjects: [personId], details: { imageId } },
      async () => {
        const decision = await this.requireOrNotFound(ctx, 'custody-image.view', 'no such custody image');
        // INVARIANT: the bytes are served only for an image the caller's protected view of the person shows, so
        // every record-level rule (protected identity, intelligence, agreement, purpose) applies to images too.
        const { record, reasons } = await this.protectedRecord(ctx, personId).catch((error: unknown) => {
          if (error instanceof LedsError && error.code === 'RECORDS_NOT_FOUND')
            throw Object.assign(new LedsError('RECORDS_NOT_FOUND', 'no such custody image'), {
              cause: (error as { cause?: unknown }).cause,
            });
          throw error;
        });
        const shown = record.custodyImages?.find((i) => i.imageId === imageId);
        const image = shown ? await this.repository.findCustodyImage(personId, imageId) : undefined;
        const bytes = image ? await this.images.get(image.contentSha256) : undefined;
        if (!image || !bytes) throw new LedsError('RECORDS_NOT_FOUND', 'no such custody image');
        return {
          value: { bytes, mediaType: image.mediaType },
          subjects: [personId],
          // The image itself stays in the image store; the entry pins exactly which bytes were shown.
          shown: { imageId, contentSha256: image.contentSha256, mediaType: image.mediaType, bytes: bytes.length },
          reasons: [...decision.reasons, ...reasons],
        };
      },
    );
  }
}
