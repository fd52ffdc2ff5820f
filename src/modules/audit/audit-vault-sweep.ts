import { and, eq, inArray, isNotNull, isNull, lt, lte } from 'drizzle-orm';
import type { AuditSettings } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { auditEntries, auditLegalHolds, auditVaultContent, auditVaultKeys } from './audit.tables.ts';
import { day } from './audit-entry-search.ts';
import { type AuditLog, periodOf, unseal } from './audit-log.ts';
import type { AuditTrail } from './audit-trail.ts';

export interface VaultSweep {
  periods: string[];
  kept: number;
  destroyed: number;
}

type Hold = typeof auditLegalHolds.$inferSelect;

/**
 * Destroys the vault content of every month older than the audit retention period: content about a person or
 * user under a legal hold is first sealed again under the hold's own key; then the month's key is destroyed
 * and its content deleted. Held content whose holds have all been lifted goes the same way. Entries, hashes
 * and proofs are untouched, so the log still verifies.
 */
export async function destroyExpiredVaultContent(
  deps: { db: Database; log: AuditLog; trail: AuditTrail; clock: Clock; settings: AuditSettings },
  ctx: RequestContext,
): Promise<VaultSweep> {
  const { db, clock, settings } = deps;
  const cutoff = periodOf(new Date(clock.now().getTime() - settings.retentionDays * day).toISOString());
  const expired = await db
    .select({ period: auditVaultKeys.period, key: auditVaultKeys.key, wrappedKey: auditVaultKeys.wrappedKey })
    .from(auditVaultKeys)
    .where(and(lt(auditVaultKeys.period, cutoff), isNull(auditVaultKeys.destroyedAt)));
  const holds = await db.select().from(auditLegalHolds).where(isNull(auditLegalHolds.liftedAt));
  let kept = 0;
  let destroyed = 0;
  for (const row of expired) {
    // A month whose key cannot be unwrapped (a damaged or swapped row) is still destroyed: its content can no
    // longer be opened for a hold, and keeping it past retention would be the worse failure. The entry says so.
    let key: Buffer | undefined;
    try {
      key = deps.log.periodKey(row);
    } catch {
      key = undefined;
    }
    const swept = await destroyPeriod(deps, ctx, row.period, key, holds, key === undefined && row.wrappedKey !== null);
    kept += swept.kept;
    destroyed += swept.destroyed;
  }
  destroyed += await destroyLiftedHoldContent(db, clock, cutoff);
  deps.log.forgetVaultKeys();
  return { periods: expired.map((e) => e.period), kept, destroyed };
}

/** One month past retention: held content resealed under its hold's key, the rest and the month's key destroyed. */
async function destroyPeriod(
  deps: { db: Database; log: AuditLog; trail: AuditTrail; clock: Clock },
  ctx: RequestContext,
  period: string,
  key: Buffer | undefined,
  holds: Hold[],
  keyUnreadable = false,
): Promise<{ kept: number; destroyed: number }> {
  let kept = 0;
  let destroyed = 0;
  await deps.db.transaction(async (tx) => {
    const content = await tx
      .select({
        seq: auditVaultContent.seq,
        nonce: auditVaultContent.nonce,
        sealed: auditVaultContent.sealed,
        subjects: auditEntries.subjectIds,
        actorId: auditEntries.actorId,
      })
      .from(auditVaultContent)
      .innerJoin(auditEntries, eq(auditEntries.seq, auditVaultContent.seq))
      .where(and(eq(auditVaultContent.period, period), isNull(auditVaultContent.legalHoldId)));
    for (const row of content) {
      const hold = holds.find((h) =>
        h.subjectKind === 'PERSON' ? row.subjects.includes(h.subjectId.toLowerCase()) : h.subjectId === row.actorId,
      );
      const holdKey = hold && deps.log.holdKey(hold);
      if (hold && holdKey && key) {
        const resealed = deps.log.sealForHold(holdKey, unseal(key, row.nonce, row.sealed));
        await tx
          .update(auditVaultContent)
          .set({ legalHoldId: hold.id, ...resealed })
          .where(eq(auditVaultContent.seq, row.seq));
        kept += 1;
      }
    }
    const gone = await tx
      .delete(auditVaultContent)
      .where(and(eq(auditVaultContent.period, period), isNull(auditVaultContent.legalHoldId)))
      .returning({ seq: auditVaultContent.seq });
    destroyed += gone.length;
    await tx
      .update(auditVaultKeys)
      .set({ key: null, wrappedKey: null, destroyedAt: deps.clock.now() })
      .where(eq(auditVaultKeys.period, period));
    await deps.trail.recordWithin(tx as Database, ctx, [
      {
        kind: 'AUDIT_VAULT_PERIOD_DESTROYED',
        action: 'audit-vault.destroy',
        details: { period, contentDestroyed: gone.length, ...(keyUnreadable ? { keyUnreadable: true } : {}) },
      },
    ]);
  });
  return { kept, destroyed };
}

/** Content kept for holds that have since been lifted, from months already past retention. */
async function destroyLiftedHoldContent(db: Database, clock: Clock, cutoff: string): Promise<number> {
  const liftedHolds = await db
    .select({ id: auditLegalHolds.id })
    .from(auditLegalHolds)
    .where(lte(auditLegalHolds.liftedAt, clock.now()));
  if (liftedHolds.length === 0) return 0;
  const gone = await db
    .delete(auditVaultContent)
    .where(
      and(
        inArray(
          auditVaultContent.legalHoldId,
          liftedHolds.map((h) => h.id),
        ),
        lt(auditVaultContent.period, cutoff),
      ),
    )
    .returning({ seq: auditVaultContent.seq });
  return gone.length;
}

/** Vault keys from before wrapping: each wrapped under the key-encryption key and its clear column emptied. */
export async function wrapClearVaultKeys(db: Database, log: AuditLog): Promise<number> {
  return db.transaction(async (tx) => {
    const periods = await tx.select().from(auditVaultKeys).where(isNotNull(auditVaultKeys.key));
    for (const row of periods)
      await tx
        .update(auditVaultKeys)
        .set({ key: null, wrappedKey: log.wrapPeriodKey(row.period, Buffer.from(row.key as Uint8Array)) })
        .where(eq(auditVaultKeys.period, row.period));
    const holds = await tx.select().from(auditLegalHolds).where(isNotNull(auditLegalHolds.key));
    for (const hold of holds)
      await tx
        .update(auditLegalHolds)
        .set({ key: null, wrappedKey: log.wrapHoldKey(hold.id, Buffer.from(hold.key as Uint8Array)) })
        .where(eq(auditLegalHolds.id, hold.id));
    return periods.length + holds.length;
  });
}
