import { randomUUID } from 'node:crypto';
import { asc, eq, inArray } from 'drizzle-orm';
import type { Dataset, Purpose } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { operatorContext, type RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AuditTrail } from '../audit/index.ts';
import { agreementGrants, dataSharingAgreements, organisations } from './access.tables.ts';

export const agreementOperations = ['read', 'search', 'create', 'update', 'delete', 'export', 'push'] as const;
export type AgreementOperation = (typeof agreementOperations)[number];
export const agreementStatuses = ['ACTIVE', 'SUSPENDED', 'ENDED'] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];

/** Pushing records is granted on this pseudo-dataset, without a purpose. */
export const pushDataset = 'RECORDS';

export interface AgreementGrantInput {
  dataset: string;
  operations: AgreementOperation[];
  purposes: string[];
}

export interface AgreementInput {
  organisationCode: string;
  reference: string;
  validFrom: string;
  validTo: string;
  reviewDue: string;
  status?: AgreementStatus;
  grants: AgreementGrantInput[];
}

/** One line of the published access register. */
export interface AccessRegisterEntry {
  organisation: string;
  organisationKind: string;
  agreement: string;
  status: string;
  dataset: string;
  datasetName: string;
  access: 'read' | 'write';
  operations: string[];
  purposes: string[];
  validFrom: string;
  validTo: string;
  reviewDue: string;
}

type AgreementRow = typeof dataSharingAgreements.$inferSelect & { grants: (typeof agreementGrants.$inferSelect)[] };

/**
 * Data sharing agreements: which datasets an organisation may use, how, for which purposes, and until when.
 * INVARIANT: an agreement grants nothing unless it is ACTIVE and today is within its dates; a suspended or
 * expired agreement stops access at once (dates are checked on every decision, even from the cache).
 */
export class AgreementsService {
  private readonly cache = new Map<string, { rows: AgreementRow[]; until: number; grants: Map<string, string[]> }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
    private readonly settings: { datasets: Dataset[]; purposes: Purpose[]; agreementCacheSeconds: number },
  ) {}

  /** What is wrong with these grants, each problem naming its field; empty when they are valid. */
  grantProblems(grants: AgreementGrantInput[], field = 'grants'): { field: string; message: string }[] {
    const problems: { field: string; message: string }[] = [];
    const datasets = new Set([...this.settings.datasets.map((d) => d.code), pushDataset]);
    const purposes = new Set(this.settings.purposes.map((p) => p.code));
    grants.forEach((grant, i) => {
      if (!datasets.has(grant.dataset))
        problems.push({ field: `${field}/${i}/dataset`, message: `\`${grant.dataset}\` is not a dataset` });
      for (const op of grant.operations) {
        if (!(agreementOperations as readonly string[]).includes(op)) {
          problems.push({ field: `${field}/${i}/operations`, message: `\`${op}\` is not an operation` });
        }
      }
      for (const purpose of grant.purposes) {
        if (!purposes.has(purpose))
          problems.push({ field: `${field}/${i}/purposes`, message: `\`${purpose}\` is not a purpose` });
      }
      if ((grant.dataset === pushDataset) !== grant.operations.includes('push')) {
        problems.push({ field: `${field}/${i}`, message: `push is granted on ${pushDataset}, and only push` });
      }
    });
    return problems;
  }

  async createAgreement(input: AgreementInput, by: RequestContext = operatorContext()): Promise<{ id: string }> {
    const problems = this.grantProblems(input.grants);
    if (!(input.validFrom <= input.validTo))
      problems.push({ field: 'validTo', message: 'must not be before validFrom' });
    const [organisation] = await this.db
      .select()
      .from(organisations)
      .where(eq(organisations.code, input.organisationCode));
    if (!organisation)
      problems.push({ field: 'organisation', message: `no organisation \`${input.organisationCode}\`` });
    if (problems.length > 0 || !organisation)
      throw new LedsError('REQUEST_INVALID', 'the agreement is not valid', problems);
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: dataSharingAgreements.id })
        .from(dataSharingAgreements)
        .where(eq(dataSharingAgreements.reference, input.reference));
      if (existing) {
        await tx.delete(agreementGrants).where(eq(agreementGrants.agreementId, existing.id));
        await tx.delete(dataSharingAgreements).where(eq(dataSharingAgreements.id, existing.id));
      }
      await tx.insert(dataSharingAgreements).values({
        id,
        reference: input.reference,
        organisationId: organisation.id,
        status: input.status ?? 'ACTIVE',
        validFrom: input.validFrom,
        validTo: input.validTo,
        reviewDue: input.reviewDue,
        createdAt: this.clock.now(),
        updatedAt: this.clock.now(),
      });
      if (input.grants.length > 0) {
        await tx.insert(agreementGrants).values(input.grants.map((g) => ({ id: randomUUID(), agreementId: id, ...g })));
      }
      await this.audit.recordWithin(tx as Database, by, [
        {
          kind: 'AGREEMENT_CREATED',
          action: 'agreement.manage',
          details: { agreementId: id, replaced: existing?.id ?? null, ...input },
        },
      ]);
    });
    this.cache.delete(organisation.id);
    return { id };
  }

  /** Suspends, ends or reinstates an agreement; takes effect at once in this process. */
  async setStatus(reference: string, status: AgreementStatus, by: RequestContext = operatorContext()): Promise<void> {
    const organisationId = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(dataSharingAgreements)
        .set({ status, updatedAt: this.clock.now() })
        .where(eq(dataSharingAgreements.reference, reference))
        .returning({ organisationId: dataSharingAgreements.organisationId });
      if (!row)
        throw new LedsError('REQUEST_INVALID', `no agreement \`${reference}\``, [
          { field: 'reference', message: 'unknown agreement' },
        ]);
      await this.audit.recordWithin(tx as Database, by, [
        { kind: 'AGREEMENT_STATUS_CHANGED', action: 'agreement.manage', details: { reference, status } },
      ]);
      return row.organisationId;
    });
    this.cache.delete(organisationId);
  }

  private async agreementsOf(organisationId: string): Promise<{ rows: AgreementRow[]; grants: Map<string, string[]> }> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(organisationId);
    if (cached && cached.until > now) return cached;
    const agreements = await this.db
      .select()
      .from(dataSharingAgreements)
      .where(eq(dataSharingAgreements.organisationId, organisationId));
    const grants =
      agreements.length === 0
        ? []
        : await this.db
            .select()
            .from(agreementGrants)
            .where(
              inArray(
                agreementGrants.agreementId,
                agreements.map((a) => a.id),
              ),
            );
    const entry = {
      rows: agreements.map((a) => ({ ...a, grants: grants.filter((g) => g.agreementId === a.id) })),
      until: now + this.settings.agreementCacheSeconds * 1000,
      grants: new Map<string, string[]>(),
    };
    if (this.settings.agreementCacheSeconds > 0) this.cache.set(organisationId, entry);
    return entry;
  }

  /**
   * What an organisation's agreements in force today grant for a purpose, as sorted "DATASET:operation"
   * strings (the Cedar context). Push grants hold whatever the purpose.
   */
  async grantsFor(organisationId: string, purpose: string | undefined): Promise<string[]> {
    const today = this.clock.now().toISOString().slice(0, 10);
    const agreements = await this.agreementsOf(organisationId);
    // Memoised by purpose and day: validity is by date, so a new day works the grants out again.
    const memo = `${purpose ?? ''}|${today}`;
    const known = agreements.grants.get(memo);
    if (known) return known;
    const grants = new Set<string>();
    for (const agreement of agreements.rows) {
      if (agreement.status !== 'ACTIVE' || today < agreement.validFrom || today > agreement.validTo) continue;
      for (const grant of agreement.grants) {
        if (grant.dataset === pushDataset) grants.add(`${pushDataset}:push`);
        else if (purpose && grant.purposes.includes(purpose))
          for (const op of grant.operations) grants.add(`${grant.dataset}:${op}`);
      }
    }
    return [...grants].sort();
  }

  /** Agreements whose review falls due on or before the given day, soonest first. */
  async reviewsDue(
    onOrBefore: string,
  ): Promise<{ reference: string; organisation: string; status: string; reviewDue: string; validTo: string }[]> {
    const rows = await this.db
      .select({ agreement: dataSharingAgreements, organisation: organisations.name })
      .from(dataSharingAgreements)
      .innerJoin(organisations, eq(organisations.id, dataSharingAgreements.organisationId))
      .orderBy(asc(dataSharingAgreements.reviewDue));
    return rows
      .filter((r) => r.agreement.reviewDue <= onOrBefore && r.agreement.status !== 'ENDED')
      .map((r) => ({
        reference: r.agreement.reference,
        organisation: r.organisation,
        status: r.agreement.status,
        reviewDue: r.agreement.reviewDue,
        validTo: r.agreement.validTo,
      }));
  }

  /** The published register: who has access to what, for which purposes, read or write, and until when. */
  async accessRegister(): Promise<AccessRegisterEntry[]> {
    const rows = await this.db
      .select({ agreement: dataSharingAgreements, grant: agreementGrants, organisation: organisations })
      .from(agreementGrants)
      .innerJoin(dataSharingAgreements, eq(dataSharingAgreements.id, agreementGrants.agreementId))
      .innerJoin(organisations, eq(organisations.id, dataSharingAgreements.organisationId))
      .orderBy(asc(organisations.name), asc(dataSharingAgreements.reference), asc(agreementGrants.dataset));
    const names = new Map(this.settings.datasets.map((d) => [d.code, d.name]));
    return rows.map(({ agreement, grant, organisation }) => ({
      organisation: organisation.name,
      organisationKind: organisation.kind,
      agreement: agreement.reference,
      status: agreement.status,
      dataset: grant.dataset,
      datasetName: names.get(grant.dataset) ?? 'Records pushed by the organisation',
      access: grant.operations.some((op) => ['create', 'update', 'delete', 'push'].includes(op)) ? 'write' : 'read',
      operations: [...grant.operations].sort(),
      purposes: [...grant.purposes].sort(),
      validFrom: agreement.validFrom,
      validTo: agreement.validTo,
      reviewDue: agreement.reviewDue,
    }));
  }
}
