import { sql } from 'drizzle-orm';
import { LedsError } from '../../platform/errors.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import { day } from './audit-entry-search.ts';
import type { AuditLog } from './audit-log.ts';

// What anyone may ask of the log, without signing in: proofs up to the newest signed checkpoint, and aggregates.

export interface MonthlyAuditFigure {
  month: string;
  organisationKind: string;
  action: string;
  purpose: string;
  count: number;
}

/**
 * The size public proofs may reach: the newest signed checkpoint's. Proofs are checked against checkpoints, and
 * the live size, between checkpoints, would tell how many actions were just audited.
 */
async function publishedSize(log: AuditLog): Promise<number> {
  return (await log.latestCheckpoint())?.treeSize ?? 0;
}

export async function inclusionProof(log: AuditLog, seq: number, treeSize: number) {
  const size = await publishedSize(log);
  if (!Number.isInteger(seq) || !Number.isInteger(treeSize) || seq < 0 || seq >= treeSize || treeSize > size)
    throw new LedsError(
      'AUDIT_TREE_SIZE_INVALID',
      `entry ${seq} is not in a tree of ${treeSize}: the newest checkpoint is of ${size} entries`,
      [{ field: 'treeSize', message: `must be more than the entry's index and at most ${size}` }],
    );
  const proof = await log.inclusionProof(seq, treeSize);
  return {
    seq,
    treeSize,
    leafHash: proof.leafHash.toString('base64'),
    rootHash: proof.root.toString('base64'),
    proof: proof.proof.map((h) => h.toString('base64')),
  };
}

export async function consistencyProof(log: AuditLog, from: number, to: number) {
  const size = await publishedSize(log);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || from > to || to > size)
    throw new LedsError(
      'AUDIT_TREE_SIZE_INVALID',
      `no consistency proof from ${from} to ${to}: the newest checkpoint is of ${size} entries`,
      [{ field: 'from', message: `need 1 <= from <= to <= ${size}` }],
    );
  return {
    from,
    to,
    fromRoot: (await log.rootAt(from)).toString('base64'),
    toRoot: (await log.rootAt(to)).toString('base64'),
    proof: (await log.consistencyProof(from, to)).map((h) => h.toString('base64')),
  };
}

/** Monthly counts by organisation type, action and purpose: aggregates only, never rows (DPA 2018 s62(4)). */
export async function monthlyFigures(db: Database, now: Date, months: number): Promise<MonthlyAuditFigure[]> {
  const since = new Date(now.getTime() - months * 31 * day);
  const rows = await queryRows<{
    month: string;
    organisation_kind: string;
    action: string;
    purpose: string;
    count: number;
  }>(
    db,
    sql`
      select to_char(recorded_at, 'YYYY-MM') as month, coalesce(organisation_kind, 'NONE') as organisation_kind,
             action, coalesce(purpose, 'NONE') as purpose, count(*)::int as count
      from audit_entries where recorded_at >= ${since.toISOString()}::timestamptz
      group by 1, 2, 3, 4 order by 1 desc, 2, 3, 4`,
  );
  return rows.map((r) => ({
    month: r.month,
    organisationKind: r.organisation_kind,
    action: r.action,
    purpose: r.purpose,
    count: Number(r.count),
  }));
}
