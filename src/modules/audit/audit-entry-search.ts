import { createHash } from 'node:crypto';
import { and, arrayContains, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { isCalendarDate } from '../../platform/clock.ts';
import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { Database } from '../../storage/database.ts';
import { auditEntries } from './audit.tables.ts';
import type { AuditEntryBody } from './audit.types.ts';
import type { AuditLog } from './audit-log.ts';

// The log's own reads for the auditor console (modules/oversight): the console decides who may search and
// audits each search; these only query the log's tables.

export interface AuditSearch {
  personId?: string;
  actorId?: string;
  organisationCode?: string;
  purpose?: string;
  kind?: string;
  outcome?: string;
  from?: string;
  to?: string;
  /** Entries before this leaf index, for the next page. */
  before?: number;
  limit?: number;
}

export interface AuditEntrySummary {
  seq: number;
  recordedAt: string;
  kind: string;
  action: string;
  outcome: string;
  actorName: string;
  organisationCode: string | null;
  purpose: string | null;
  caseReference: string | null;
  channel: string;
  subjects: string[];
}

export interface AuditEntryDetail {
  entry: AuditEntryBody;
  leafHash: string;
  /** The inclusion proof against the newest checkpoint that covers the entry, or the log as it stands. */
  proof: { treeSize: number; rootHash: string; hashes: string[]; checkpoint: string | null };
  /** What the user was shown, from the audit vault. */
  shown:
    | { state: 'kept'; content: unknown; matchesEntry: boolean }
    | { state: 'destroyed' | 'not-recorded'; content: null; matchesEntry: null };
}

const toSummary = (row: typeof auditEntries.$inferSelect): AuditEntrySummary => ({
  seq: row.seq,
  recordedAt: new Date(row.recordedAt).toISOString(),
  kind: row.kind,
  action: row.action,
  outcome: row.outcome,
  actorName: row.actorName,
  organisationCode: row.organisationCode,
  purpose: row.purpose,
  caseReference: row.caseReference,
  channel: row.channel,
  subjects: row.subjectIds,
});

export const day = 86_400_000;

/** A calendar date a caller gave as a search bound, as midnight UTC; anything else is the caller's mistake. */
export function searchDate(value: string, field: string): Date {
  if (!isCalendarDate(value))
    throw new LedsError('REQUEST_INVALID', `\`${value}\` is not a date`, [
      { field, message: 'must be a date like 2026-11-01' },
    ]);
  return new Date(`${value}T00:00:00Z`);
}

/** Entries matching the search, newest first, at most 500. */
export async function findAuditEntries(db: Database, search: AuditSearch): Promise<AuditEntrySummary[]> {
  const where: SQL[] = [];
  if (search.personId) {
    if (!isUuid(search.personId))
      throw new LedsError('REQUEST_INVALID', `\`${search.personId}\` is not a person id`, [
        { field: 'personId', message: 'must be a UUID' },
      ]);
    where.push(arrayContains(auditEntries.subjectIds, [search.personId.toLowerCase()]));
  }
  if (search.actorId) where.push(eq(auditEntries.actorId, search.actorId));
  if (search.organisationCode) where.push(eq(auditEntries.organisationCode, search.organisationCode));
  if (search.purpose) where.push(eq(auditEntries.purpose, search.purpose));
  if (search.kind) where.push(eq(auditEntries.kind, search.kind));
  if (search.outcome) where.push(eq(auditEntries.outcome, search.outcome));
  if (search.from) where.push(gte(auditEntries.recordedAt, searchDate(search.from, 'from')));
  if (search.to) where.push(lt(auditEntries.recordedAt, new Date(searchDate(search.to, 'to').getTime() + day)));
  if (search.before !== undefined) where.push(lt(auditEntries.seq, search.before));
  const rows = await db
    .select()
    .from(auditEntries)
    .where(and(...where))
    .orderBy(desc(auditEntries.seq))
    .limit(Math.min(search.limit ?? 50, 500));
  return rows.map(toSummary);
}

/** One entry: what it records, its inclusion proof, and what the user was shown (while the vault keeps it). */
export async function readAuditEntry(db: Database, log: AuditLog, seq: number): Promise<AuditEntryDetail> {
  const [row] = await db.select().from(auditEntries).where(eq(auditEntries.seq, seq));
  if (!row) throw new LedsError('AUDIT_ENTRY_NOT_FOUND', `no audit entry ${seq}`);
  const entry = JSON.parse(row.entry) as AuditEntryBody;
  const checkpoint = await log.latestCheckpoint();
  const treeSize = checkpoint && checkpoint.treeSize > seq ? checkpoint.treeSize : await log.size();
  const proof = await log.inclusionProof(seq, treeSize);
  const content = entry.shown ? await log.shownContent(seq) : undefined;
  return {
    entry,
    leafHash: proof.leafHash.toString('base64'),
    proof: {
      treeSize,
      rootHash: proof.root.toString('base64'),
      hashes: proof.proof.map((h) => h.toString('base64')),
      checkpoint: checkpoint && checkpoint.treeSize === treeSize ? checkpoint.note : null,
    },
    shown: content
      ? {
          state: 'kept',
          content: JSON.parse(content.toString('utf8')),
          matchesEntry: createHash('sha256').update(content).digest('hex') === entry.shown?.sha256,
        }
      : { state: entry.shown ? 'destroyed' : 'not-recorded', content: null, matchesEntry: null },
  };
}
