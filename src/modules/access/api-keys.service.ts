import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { AccessDecisions } from './access.decisions.ts';
import type { AccessService } from './access.service.ts';
import { apiKeys, organisations } from './access.tables.ts';
import { newApiKeySecret } from './api-key-secret.ts';
import { requireCredentialManager, requireOwnCredentials } from './credential-access.ts';

/**
 * Where a key stands: `ACTIVE`; `EXPIRING` (rotated, working until `expiresAt`); `EXPIRED` (its overlap is over);
 * `REVOKED`. Only an active key may be rotated; an active or expiring one may be revoked.
 */
export type ApiKeyState = 'ACTIVE' | 'EXPIRING' | 'EXPIRED' | 'REVOKED';

/** An API key as its administrator sees it: never the secret or its hash. */
export interface ApiKeySummary {
  id: string;
  organisationId: string;
  organisationCode: string;
  name: string;
  keyPrefix: string;
  roles: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  state: ApiKeyState;
}

/** A rotation: the successor, whose secret is shown once, and the old key with the end of its overlap. */
export interface ApiKeyRotation {
  successor: ApiKeySummary;
  /** The successor's secret; returned here once and never stored. */
  key: string;
  rotated: ApiKeySummary;
}

const summaryColumns = {
  id: apiKeys.id,
  organisationId: apiKeys.organisationId,
  organisationCode: organisations.code,
  name: apiKeys.name,
  keyPrefix: apiKeys.keyPrefix,
  roles: apiKeys.roles,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};

function stateOf(key: { expiresAt: Date | null; revokedAt: Date | null }, now: Date): ApiKeyState {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt) return key.expiresAt > now ? 'EXPIRING' : 'EXPIRED';
  return 'ACTIVE';
}

/** Keys are found by id, or by the prefix their holder can read off the key itself (`leds_<prefix>_…`). */
const byReference = (ref: string) =>
  isUuid(ref) ? or(eq(apiKeys.id, ref), eq(apiKeys.keyPrefix, ref)) : eq(apiKeys.keyPrefix, ref);

/**
 * An organisation's API keys, as its administrator manages them without SQL (issue 11, item 15): list, revoke at
 * once, and rotate with an overlap so the system holding a key can change to its successor without an outage.
 * Every use case asks `credential.manage` of the key's organisation first, and audits each change in its
 * transaction. Making keys stays with AccessService.createApiKey (the operator's `leds api-key create`).
 */
export class ApiKeysService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly decisions: AccessDecisions,
    private readonly audit: AuditTrail,
    private readonly access: AccessService,
    private readonly settings: { apiKeyRotationMaxOverlapHours: number },
  ) {}

  /** The API keys of the caller's own organisation, by name and then oldest first (a successor after its key). */
  async listApiKeys(ctx: RequestContext): Promise<ApiKeySummary[]> {
    await requireOwnCredentials(this.decisions, ctx);
    const now = this.clock.now();
    const rows = await this.db
      .select(summaryColumns)
      .from(apiKeys)
      .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
      .where(eq(apiKeys.organisationId, ctx.organisation.id))
      .orderBy(asc(apiKeys.name), asc(apiKeys.createdAt), asc(apiKeys.id));
    return rows.map((row) => ({ ...row, state: stateOf(row, now) }));
  }

  /** One key, by id or prefix, if the caller may manage it; otherwise ACCESS_CREDENTIAL_NOT_FOUND. */
  async findApiKey(ctx: RequestContext, ref: string): Promise<ApiKeySummary> {
    const key = await this.lookUp(ref);
    await requireCredentialManager(this.decisions, this.audit, ctx, key?.organisationId, this.asked(ref, 'view'));
    return key as ApiKeySummary;
  }

  /**
   * The code of the organisation that holds a key, for the operator's command line, which then acts as that
   * organisation's administrator. SECURITY: it tells whether a key exists, so no page or API route calls it.
   */
  async owningOrganisationOf(ref: string): Promise<string | undefined> {
    return (await this.lookUp(ref))?.organisationCode;
  }

  /** Revokes a key now: it is refused at once in this process, within LEDS_API_KEY_CACHE_SECONDS in others. */
  async revokeApiKey(ctx: RequestContext, ref: string): Promise<ApiKeySummary> {
    const { found, decision } = await this.managed(ctx, ref, 'revoke');
    if (found.state === 'REVOKED' || found.state === 'EXPIRED')
      throw new LedsError(
        'ACCESS_CREDENTIAL_STATE',
        `api key \`${ref}\` no longer works: it is ${found.state.toLowerCase()}`,
      );
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      // INVARIANT: an earlier revocation is never overwritten; a race with another revocation finds no row.
      const [row] = await tx
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.id, found.id), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id });
      if (!row) throw new LedsError('ACCESS_CREDENTIAL_STATE', `api key \`${ref}\` was revoked meanwhile`);
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'API_KEY_REVOKED',
          action: 'api-key.revoke',
          reasons: decision.reasons,
          details: {
            apiKeyId: found.id,
            keyPrefix: found.keyPrefix,
            name: found.name,
            organisationCode: found.organisationCode,
            wasExpiringAt: found.expiresAt?.toISOString() ?? null,
          },
        },
      ]);
    });
    this.access.forgetVerifiedKey(found.id);
    return { ...found, revokedAt: now, state: 'REVOKED' };
  }

  /**
   * Makes a successor with the same organisation, name and roles, and lets the old key work only until now plus
   * the overlap the administrator chose (0: it stops at once), at most LEDS_API_KEY_ROTATION_MAX_OVERLAP_HOURS.
   * The successor's secret is returned once.
   */
  async rotateApiKey(ctx: RequestContext, ref: string, overlapHours: number): Promise<ApiKeyRotation> {
    const { found: old, decision } = await this.rotatable(ctx, ref, overlapHours);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + overlapHours * 3600_000);
    const { key: secret, prefix, keyHash } = newApiKeySecret();
    const successorId = randomUUID();
    await this.db.transaction(async (tx) => {
      // INVARIANT: a key is rotated once; a race with another rotation or a revocation finds no row.
      const [row] = await tx
        .update(apiKeys)
        .set({ expiresAt })
        .where(and(eq(apiKeys.id, old.id), isNull(apiKeys.revokedAt), isNull(apiKeys.expiresAt)))
        .returning({ id: apiKeys.id });
      if (!row) throw new LedsError('ACCESS_CREDENTIAL_STATE', `api key \`${ref}\` was revoked or rotated meanwhile`);
      await tx.insert(apiKeys).values({
        id: successorId,
        organisationId: old.organisationId,
        name: old.name,
        keyPrefix: prefix,
        keyHash,
        roles: old.roles,
        createdAt: now,
      });
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'API_KEY_CREATED',
          action: 'api-key.create',
          reasons: decision.reasons,
          details: {
            apiKeyId: successorId,
            organisationCode: old.organisationCode,
            name: old.name,
            roles: old.roles,
            keyPrefix: prefix,
            rotatedFrom: old.id,
          },
        },
        {
          kind: 'API_KEY_ROTATED',
          action: 'api-key.rotate',
          reasons: decision.reasons,
          details: {
            apiKeyId: old.id,
            keyPrefix: old.keyPrefix,
            name: old.name,
            organisationCode: old.organisationCode,
            successorApiKeyId: successorId,
            successorKeyPrefix: prefix,
            overlapHours,
            expiresAt: expiresAt.toISOString(),
          },
        },
      ]);
    });
    // The next request with the old key reads its expiry; with no overlap it is refused at once.
    this.access.forgetVerifiedKey(old.id);
    return {
      key: secret,
      successor: {
        ...old,
        id: successorId,
        keyPrefix: prefix,
        createdAt: now,
        expiresAt: null,
        revokedAt: null,
        state: 'ACTIVE',
      },
      rotated: { ...old, expiresAt, state: stateOf({ expiresAt, revokedAt: null }, now) },
    };
  }

  /** The key to rotate with the decision that allows it, once the overlap is in range and the key still active. */
  private async rotatable(ctx: RequestContext, ref: string, overlapHours: number) {
    const max = this.settings.apiKeyRotationMaxOverlapHours;
    if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > max)
      throw new LedsError(
        'ACCESS_ROTATION_OVERLAP_INVALID',
        `the overlap must be a whole number of hours from 0 to ${max}, got \`${overlapHours}\``,
      );
    const managed = await this.managed(ctx, ref, 'rotate');
    const old = managed.found;
    if (old.state === 'EXPIRING')
      throw new LedsError(
        'ACCESS_CREDENTIAL_STATE',
        `api key \`${ref}\` was rotated already and stops working at ${old.expiresAt?.toISOString()}; rotate its successor`,
      );
    if (old.state !== 'ACTIVE')
      throw new LedsError(
        'ACCESS_CREDENTIAL_STATE',
        `api key \`${ref}\` no longer works: it is ${old.state.toLowerCase()}`,
      );
    return managed;
  }

  /** The key a reference names, once the caller is allowed to manage it (else the answer an unknown key gets). */
  private async managed(ctx: RequestContext, ref: string, what: 'revoke' | 'rotate') {
    const key = await this.lookUp(ref);
    const decision = await requireCredentialManager(
      this.decisions,
      this.audit,
      ctx,
      key?.organisationId,
      this.asked(ref, what),
    );
    return { found: key as ApiKeySummary, decision };
  }

  private async lookUp(ref: string): Promise<ApiKeySummary | undefined> {
    // What is neither an id nor a prefix names no key; asking the database would fail on a NUL, not answer.
    if (!isUuid(ref) && !/^[A-Za-z0-9]{1,64}$/.test(ref)) return undefined;
    const [row] = await this.db
      .select(summaryColumns)
      .from(apiKeys)
      .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
      .where(byReference(ref));
    return row ? { ...row, state: stateOf(row, this.clock.now()) } : undefined;
  }

  private asked(ref: string, what: 'view' | 'revoke' | 'rotate') {
    return { notFound: `no api key \`${ref}\``, details: { apiKeyRef: ref, asked: what } };
  }
}
