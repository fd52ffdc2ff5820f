import { and, asc, eq, or } from 'drizzle-orm';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { AccessDecisions } from './access.decisions.ts';
import { organisations, users, webSessions } from './access.tables.ts';
import { requireCredentialManager, requireOwnCredentials } from './credential-access.ts';

/** A user account as its administrator sees it: never the password hash or the home postcode. */
export interface UserAccountSummary {
  id: string;
  organisationId: string;
  organisationCode: string;
  username: string;
  displayName: string;
  roles: string[];
  active: boolean;
  createdAt: Date;
}

const summaryColumns = {
  id: users.id,
  organisationId: users.organisationId,
  organisationCode: organisations.code,
  username: users.username,
  displayName: users.displayName,
  roles: users.roles,
  active: users.active,
  createdAt: users.createdAt,
};

/** Users are found by username, or by id (the pages' forms carry ids). */
const byReference = (ref: string) =>
  isUuid(ref) ? or(eq(users.id, ref), eq(users.username, ref)) : eq(users.username, ref);

/**
 * An organisation's user accounts, as its administrator manages them without SQL (issue 11, item 15): list,
 * disable (which ends every web session of the user in the same transaction) and enable again.
 * Disabling takes effect at once everywhere: sessions and bearer tokens are checked against `active` on every
 * request, with no cache. Every use case asks `credential.manage` of the user's organisation first.
 */
export class UserAccountsService {
  constructor(
    private readonly db: Database,
    private readonly decisions: AccessDecisions,
    private readonly audit: AuditTrail,
  ) {}

  /** The users of the caller's own organisation, by username. */
  async listUsers(ctx: RequestContext): Promise<UserAccountSummary[]> {
    await requireOwnCredentials(this.decisions, ctx);
    return this.db
      .select(summaryColumns)
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.organisationId, ctx.organisation.id))
      .orderBy(asc(users.username));
  }

  /**
   * The code of the organisation a user belongs to, for the operator's command line, which then acts as that
   * organisation's administrator. SECURITY: it tells whether a user exists, so no page or API route calls it.
   */
  async owningOrganisationOf(ref: string): Promise<string | undefined> {
    return (await this.lookUp(ref))?.organisationCode;
  }

  /** Disables a user and ends all their web sessions, in one transaction; they cannot sign in until enabled. */
  async disableUser(ctx: RequestContext, ref: string): Promise<{ user: UserAccountSummary; sessionsEnded: number }> {
    const { found, decision } = await this.managed(ctx, ref, 'disable');
    // SECURITY: an administrator cannot lock themselves out; another administrator (or the operator) must do it.
    if (ctx.actor.kind === 'user' && ctx.actor.id === found.id)
      throw new LedsError('REQUEST_INVALID', 'you cannot disable your own account');
    if (!found.active) throw new LedsError('ACCESS_CREDENTIAL_STATE', `user \`${ref}\` is already disabled`);
    const sessionsEnded = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ active: false })
        .where(and(eq(users.id, found.id), eq(users.active, true)))
        .returning({ id: users.id });
      if (!row) throw new LedsError('ACCESS_CREDENTIAL_STATE', `user \`${ref}\` was disabled meanwhile`);
      const ended = await tx
        .delete(webSessions)
        .where(eq(webSessions.userId, found.id))
        .returning({ tokenHash: webSessions.tokenHash });
      const details = { userId: found.id, username: found.username, organisationCode: found.organisationCode };
      await this.audit.recordWithin(tx as Database, ctx, [
        { kind: 'USER_DISABLED', action: 'user.disable', reasons: decision.reasons, details },
        ...(ended.length > 0
          ? [
              {
                kind: 'USER_SESSIONS_ENDED' as const,
                action: 'session.end',
                reasons: decision.reasons,
                details: { ...details, sessions: ended.length },
              },
            ]
          : []),
      ]);
      return ended.length;
    });
    return { user: { ...found, active: false }, sessionsEnded };
  }

  /** Lets a disabled user sign in again (their old sessions stay ended). */
  async enableUser(ctx: RequestContext, ref: string): Promise<UserAccountSummary> {
    const { found, decision } = await this.managed(ctx, ref, 'enable');
    if (found.active) throw new LedsError('ACCESS_CREDENTIAL_STATE', `user \`${ref}\` is already enabled`);
    await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ active: true })
        .where(and(eq(users.id, found.id), eq(users.active, false)))
        .returning({ id: users.id });
      if (!row) throw new LedsError('ACCESS_CREDENTIAL_STATE', `user \`${ref}\` was enabled meanwhile`);
      await this.audit.recordWithin(tx as Database, ctx, [
        {
          kind: 'USER_ENABLED',
          action: 'user.enable',
          reasons: decision.reasons,
          details: { userId: found.id, username: found.username, organisationCode: found.organisationCode },
        },
      ]);
    });
    return { ...found, active: true };
  }

  /** The user a reference names, once the caller is allowed to manage them (else the answer an unknown user gets). */
  private async managed(ctx: RequestContext, ref: string, what: 'disable' | 'enable') {
    const user = await this.lookUp(ref);
    const decision = await requireCredentialManager(
      this.decisions,
      this.audit,
      ctx,
      user?.organisationId,
      this.asked(ref, what),
    );
    return { found: user as UserAccountSummary, decision };
  }

  private async lookUp(ref: string): Promise<UserAccountSummary | undefined> {
    // A NUL names no user; PostgreSQL cannot store one, so asking would fail rather than answer.
    if (ref.includes('\u0000') || ref.length > 256) return undefined;
    const [row] = await this.db
      .select(summaryColumns)
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(byReference(ref));
    return row;
  }

  private asked(ref: string, what: 'disable' | 'enable') {
    return { notFound: `no user \`${ref}\``, details: { userRef: ref, asked: what } };
  }
}
