import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AuditEvent } from './audit.types.ts';
import type { AuditDraft, AuditLog } from './audit-log.ts';

/**
 * The one way services write to the audit log. INVARIANT (no audit, no data): `record` resolves only once the
 * entry is committed; when it fails it throws AUDIT_UNAVAILABLE, and callers return nothing they read.
 */
export class AuditTrail {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Appends an entry for a read or a refusal, durably, by group commit. Resolves with its leaf index. */
  async record(ctx: RequestContext, event: AuditEvent): Promise<number> {
    try {
      return await this.log.append(this.draft(ctx, event));
    } catch (error) {
      // SECURITY: the cause stays for the log (redacted there); the caller is told only that there is no entry, never
      // the database's words, which can quote the entry itself.
      throw new LedsError('AUDIT_UNAVAILABLE', 'the audit entry could not be written', [], { cause: error });
    }
  }

  /** Appends entries inside the caller's transaction: a change and its audit entries commit or roll back together. */
  async recordWithin(tx: Database, ctx: RequestContext, events: readonly AuditEvent[]): Promise<number[]> {
    return this.log.appendWithin(
      tx,
      events.map((event) => this.draft(ctx, event)),
    );
  }

  private draft(ctx: RequestContext, event: AuditEvent): AuditDraft {
    // The exact bytes kept are the bytes hashed, so plain JSON.stringify will do (half the cost of sorted keys).
    const shownContent = event.shown === undefined ? undefined : Buffer.from(JSON.stringify(event.shown), 'utf8');
    return {
      body: {
        v: 1,
        // SECURITY: a public leaf hash must not confirm a guess of its entry. Everything else an entry says can be
        // known or guessed by the caller it records (its own id, purpose, criteria, the time to the millisecond), so
        // without this a caller could test whether a search withheld someone, or why a view was refused.
        salt: randomBytes(16).toString('base64url'),
        recordedAt: this.clock.now().toISOString(),
        kind: event.kind,
        action: event.action,
        outcome: event.outcome ?? 'ALLOWED',
        actor: { kind: ctx.actor.kind, id: ctx.actor.id, name: ctx.actor.name },
        organisation: ctx.organisation.id
          ? { id: ctx.organisation.id, code: ctx.organisation.code, kind: ctx.organisation.kind }
          : null,
        purpose: ctx.purpose ?? null,
        caseReference: ctx.caseReference ?? null,
        channel: ctx.channel ?? 'API',
        correlationId: ctx.correlationId,
        // Only record ids go in the indexed column; a mistyped id still shows in details.
        subjects: [...new Set((event.subjects ?? []).filter(isUuid).map((s) => s.toLowerCase()))],
        reasons: [...(event.reasons ?? [])],
        details: event.details ?? {},
        shown: shownContent
          ? { sha256: createHash('sha256').update(shownContent).digest('hex'), bytes: shownContent.length }
          : null,
      },
      shownContent,
    };
  }
}
