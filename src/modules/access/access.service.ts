import { randomUUID, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256Hex } from '../../platform/crypto.ts';
import { LedsError } from '../../platform/errors.ts';
import { operatorContext, type RequestContext, type Role } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AuditTrail } from '../audit/index.ts';
import { apiKeys, organisations, users, webSessions } from './access.tables.ts';
import { roles as knownRoles, type OrganisationKind } from './access.types.ts';
import { apiKeyPrefixOf, newApiKeySecret } from './api-key-secret.ts';

export type Organisation = typeof organisations.$inferSelect;
export type User = typeof users.$inferSelect;

/** Who an API key acts as: a system of an organisation, with the key's roles. */
export type ApiCaller = Omit<RequestContext, 'purpose' | 'caseReference' | 'correlationId'>;

export interface SignedInUser {
  user: User;
  organisation: Organisation;
  purpose: string | null;
  caseReference: string | null;
}

// Verifying against a real hash when the username is unknown keeps the response time the same either way.
let unknownUserHash: Promise<string> | undefined;

function checkRoles(roles: readonly string[]): Role[] {
  for (const role of roles) {
    if (!(knownRoles as readonly string[]).includes(role)) {
      throw new LedsError('REQUEST_INVALID', `\`${role}\` is not a role`, [
        { field: 'roles', message: `must be among ${knownRoles.join(', ')}` },
      ]);
    }
  }
  return roles as Role[];
}

/** Organisations, users, API keys, sign-in and sessions: who may call LEDS. */
export class AccessService {
  private readonly jwks: JWTVerifyGetKey | undefined;
  /** Verified API keys by hash, for apiKeyCacheSeconds: saves a database round trip on every API call. */
  private readonly verifiedKeys = new Map<string, { caller: ApiCaller; keyId: string; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
    private readonly settings: {
      sessionHours: number;
      /** How long a verified API key is trusted without asking the database again; 0 asks every time. */
      apiKeyCacheSeconds?: number;
      oidc: { issuer: string; audience: string; jwksUrl: string } | undefined;
      /** For tests: a key set to verify bearer tokens with instead of fetching the JWKS URL. */
      jwks?: JWTVerifyGetKey;
    },
  ) {
    this.jwks = settings.jwks ?? (settings.oidc ? createRemoteJWKSet(new URL(settings.oidc.jwksUrl)) : undefined);
  }

  async createOrganisation(
    input: { code: string; name: string; kind: OrganisationKind },
    by: RequestContext = operatorContext(),
  ): Promise<Organisation> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(organisations)
        .values({ id: randomUUID(), ...input })
        .onConflictDoUpdate({ target: organisations.code, set: { name: input.name, kind: input.kind } })
        .returning();
      await this.audit.recordWithin(tx as Database, by, [
        { kind: 'ORGANISATION_CREATED', action: 'organisation.create', details: { ...input, id: row?.id } },
      ]);
      return row as Organisation;
    });
  }

  async findOrganisation(code: string): Promise<Organisation | undefined> {
    const [row] = await this.db.select().from(organisations).where(eq(organisations.code, code));
    return row;
  }

  async listOrganisations(): Promise<Organisation[]> {
    return this.db.select().from(organisations).orderBy(organisations.name);
  }

  async createUser(
    input: {
      organisationCode: string;
      username: string;
      displayName: string;
      password?: string;
      oidcSubject?: string;
      roles: string[];
      homePostcode?: string;
    },
    by: RequestContext = operatorContext(),
  ): Promise<User> {
    const organisation = await this.findOrganisation(input.organisationCode);
    if (!organisation) {
      throw new LedsError('REQUEST_INVALID', `no organisation \`${input.organisationCode}\``, [
        { field: 'organisation', message: 'unknown code' },
      ]);
    }
    const values = {
      organisationId: organisation.id,
      displayName: input.displayName,
      passwordHash: input.password ? await argon2Hash(input.password) : null,
      oidcSubject: input.oidcSubject ?? null,
      roles: checkRoles(input.roles),
      homePostcode: input.homePostcode ?? null,
    };
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ id: randomUUID(), username: input.username, ...values })
        .onConflictDoUpdate({ target: users.username, set: values })
        .returning();
      await this.audit.recordWithin(tx as Database, by, [
        {
          kind: 'USER_CREATED',
          action: 'user.create',
          details: {
            userId: row?.id,
            username: input.username,
            organisationCode: input.organisationCode,
            roles: values.roles,
            password: input.password ? 'set' : 'none',
            oidcSubject: input.oidcSubject ?? null,
          },
        },
      ]);
      return row as User;
    });
  }

  /** Makes an API key for a force or agency system. The secret is returned once and only its hash is kept. */
  async createApiKey(
    input: {
      organisationCode: string;
      name: string;
      roles: string[];
    },
    by: RequestContext = operatorContext(),
  ): Promise<{ id: string; key: string }> {
    const organisation = await this.findOrganisation(input.organisationCode);
    if (!organisation) {
      throw new LedsError('REQUEST_INVALID', `no organisation \`${input.organisationCode}\``, [
        { field: 'organisation', message: 'unknown code' },
      ]);
    }
    const { key, prefix, keyHash } = newApiKeySecret();
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.insert(apiKeys).values({
        id,
        organisationId: organisation.id,
        name: input.name,
        keyPrefix: prefix,
        keyHash,
        roles: checkRoles(input.roles),
        createdAt: this.clock.now(),
      });
      await this.audit.recordWithin(tx as Database, by, [
        { kind: 'API_KEY_CREATED', action: 'api-key.create', details: { apiKeyId: id, ...input, keyPrefix: prefix } },
      ]);
    });
    return { id, key };
  }

  /**
   * Forgets a key this process has verified, after it was revoked or rotated (ApiKeysService).
   * SECURITY: a revocation or rotation takes effect at once in the process that made it; other processes trust a
   * key they verified for at most LEDS_API_KEY_CACHE_SECONDS more, and never past its expiry.
   */
  forgetVerifiedKey(apiKeyId: string): void {
    for (const [hash, entry] of this.verifiedKeys) if (entry.keyId === apiKeyId) this.verifiedKeys.delete(hash);
  }

  /** The caller behind an API key, or undefined for an unknown, revoked or expired key. */
  async authenticateApiKey(key: string): Promise<ApiCaller | undefined> {
    const prefix = apiKeyPrefixOf(key);
    if (!prefix) return undefined;
    const hash = sha256Hex(key);
    const now = this.clock.now();
    const cached = this.verifiedKeys.get(hash);
    if (cached && cached.until > now.getTime()) return cached.caller;
    const [row] = await this.db
      .select({ key: apiKeys, organisation: organisations })
      .from(apiKeys)
      .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
      .where(
        and(
          eq(apiKeys.keyPrefix, prefix),
          isNull(apiKeys.revokedAt),
          // A rotated key works until the end of its overlap, by the injected clock.
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
        ),
      );
    // SECURITY: constant-time comparison of the hashes.
    if (!row || !timingSafeEqual(Buffer.from(row.key.keyHash), Buffer.from(hash))) {
      this.verifiedKeys.delete(hash);
      return undefined;
    }
    const caller: ApiCaller = {
      actor: { kind: 'system', id: row.key.id, name: row.key.name },
      organisation: { id: row.organisation.id, code: row.organisation.code, kind: row.organisation.kind },
      roles: row.key.roles as Role[],
    };
    const seconds = this.settings.apiKeyCacheSeconds ?? 0;
    if (seconds > 0) {
      if (this.verifiedKeys.size >= 10_000) this.verifiedKeys.clear();
      // SECURITY: a cached key is never trusted past its expiry, however long the cache would keep it.
      const until = Math.min(now.getTime() + seconds * 1000, row.key.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
      this.verifiedKeys.set(hash, { caller, keyId: row.key.id, until });
    }
    return caller;
  }

  /** Verifies an identity provider's token against its JWKS and finds the user it names by subject. */
  async authenticateBearer(token: string): Promise<SignedInUser | undefined> {
    if (!this.jwks || !this.settings.oidc) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.settings.oidc.issuer,
        audience: this.settings.oidc.audience,
      });
      if (!payload.sub) return undefined;
      const [row] = await this.db
        .select({ user: users, organisation: organisations })
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .where(and(eq(users.oidcSubject, payload.sub), eq(users.active, true)));
      return row ? { ...row, purpose: null, caseReference: null } : undefined;
    } catch {
      return undefined;
    }
  }

  async signIn(username: string, password: string): Promise<User> {
    const [user] = await this.db.select().from(users).where(eq(users.username, username));
    unknownUserHash ??= argon2Hash(randomToken());
    const valid = await argon2Verify(user?.passwordHash ?? (await unknownUserHash), password).catch(() => false);
    if (!user?.passwordHash || !valid || !user.active) {
      throw new LedsError('ACCESS_INVALID_CREDENTIALS', 'the username or password is wrong');
    }
    return user;
  }

  async findUser(username: string): Promise<User | undefined> {
    const [user] = await this.db.select().from(users).where(eq(users.username, username));
    return user;
  }

  /** Starts a web session for an active user; returns the token for the cookie. */
  async startSession(userId: string, correlationId: string = randomUUID()): Promise<string> {
    const token = randomToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.settings.sessionHours * 3600_000);
    await this.db.transaction(async (tx) => {
      const [who] = await tx
        .select({ user: users, organisation: organisations })
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .where(eq(users.id, userId));
      // SECURITY: a disabled user gets no session, whichever way they reached here (password or demo persona).
      if (!who?.user.active) throw new LedsError('ACCESS_INVALID_CREDENTIALS', 'the username or password is wrong');
      await tx
        .insert(webSessions)
        .values({ tokenHash: sha256Hex(token), userId, expiresAt, createdAt: this.clock.now() });
      await this.audit.recordWithin(
        tx as Database,
        userContext(who, { purpose: null, caseReference: null }, correlationId),
        [{ kind: 'USER_SIGNED_IN', action: 'session.start', details: { expiresAt: expiresAt.toISOString() } }],
      );
    });
    await this.db.delete(webSessions).where(lt(webSessions.expiresAt, this.clock.now()));
    return token;
  }

  async endSession(token: string): Promise<void> {
    await this.db.delete(webSessions).where(eq(webSessions.tokenHash, sha256Hex(token)));
  }

  async resumeSession(token: string): Promise<SignedInUser | undefined> {
    const [row] = await this.db
      .select({ session: webSessions, user: users, organisation: organisations })
      .from(webSessions)
      .innerJoin(users, eq(users.id, webSessions.userId))
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(
        and(
          eq(webSessions.tokenHash, sha256Hex(token)),
          gt(webSessions.expiresAt, this.clock.now()),
          eq(users.active, true),
        ),
      );
    if (!row) return undefined;
    return {
      user: row.user,
      organisation: row.organisation,
      purpose: row.session.purpose,
      caseReference: row.session.caseReference,
    };
  }

  /** Records the purpose (and case reference) the user declared for this session's work. */
  async declarePurpose(
    session: SignedInUser & { token: string },
    purpose: string,
    caseReference: string | null,
    correlationId: string = randomUUID(),
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(webSessions)
        .set({ purpose, caseReference })
        .where(eq(webSessions.tokenHash, sha256Hex(session.token)));
      await this.audit.recordWithin(tx as Database, userContext(session, { purpose, caseReference }, correlationId), [
        { kind: 'PURPOSE_DECLARED', action: 'session.declare-purpose', details: { purpose, caseReference } },
      ]);
    });
  }
}

/** The request context of a signed-in web user. */
export function userContext(
  signedIn: { user: User; organisation: Organisation },
  declared: { purpose: string | null; caseReference: string | null },
  correlationId: string,
): RequestContext {
  return {
    actor: { kind: 'user', id: signedIn.user.id, name: signedIn.user.username },
    organisation: { id: signedIn.organisation.id, code: signedIn.organisation.code, kind: signedIn.organisation.kind },
    roles: signedIn.user.roles as Role[],
    purpose: declared.purpose ?? undefined,
    caseReference: declared.caseReference ?? undefined,
    correlationId,
    channel: 'WEB',
  };
}
