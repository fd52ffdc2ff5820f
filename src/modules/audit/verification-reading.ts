import { and, asc, gte, lt, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';
import { auditCheckpoints } from './audit.tables.ts';
import type { AuditEntryBody } from './audit.types.ts';

/** An entry as the verifier reads it: its text, and what is wrong with it beside its hash, if anything. */
export interface EntryRow {
  seq: number;
  entry: string;
  problem?: string;
}

/** The stored tree nodes a chunk of leaves completes, by level and index. */
export interface StoredNodes {
  get(level: number, index: number): Buffer | undefined;
  /** Nodes stored more than once (only possible with the primary key dropped), each to be named. */
  duplicates?: { level: number; index: number; count: number }[];
}

/** One chunk of the log as the verifier reads it: its entries, the stored nodes they complete, its checkpoints. */
export interface Chunk {
  entries: EntryRow[];
  stored: StoredNodes;
  checkpoints: (typeof auditCheckpoints.$inferSelect)[];
}

/** The searchable columns, in the order problems name them; `recorded_at` and `subject_ids` are read as text. */
const columnNames = [
  'recorded_at',
  'kind',
  'action',
  'outcome',
  'actor_id',
  'actor_name',
  'actor_kind',
  'organisation_id',
  'organisation_code',
  'organisation_kind',
  'purpose',
  'case_reference',
  'channel',
  'correlation_id',
  'subject_ids',
] as const;

/**
 * To the microsecond and with its era, so that a change of under a millisecond or into the years BC still differs
 * from the entry's time (LEDS writes whole milliseconds, AD).
 */
const recordedAtText = `to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"BC')`;
/** The entry's time as `recordedAtText` writes it, or undefined (never equal to a column) if it is not ISO UTC. */
function recordedAtAsStored(recordedAt: unknown): string | undefined {
  return typeof recordedAt === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(recordedAt)
    ? `${recordedAt.slice(0, -1)}000ZAD`
    : undefined;
}
const asText = (name: string) =>
  name === 'recorded_at' ? recordedAtText : name === 'subject_ids' ? 'subject_ids::text' : `${name}::text`;
/**
 * The columns as one text, separated by U+001F, with a bit a column for NULL. Measured on PostgreSQL: a JSON array
 * of the columns cost the database twice as much to make, and the verifier a parse more; seventeen columns a row cost
 * the verifier more again. A value holding U+001F makes the text split wrongly, and the chunk is read carefully.
 */
const columnsText = sql.raw(
  `concat_ws(chr(31), ${columnNames.map((name) => `coalesce(${asText(name)}, '')`).join(', ')}) as columns,
   (${columnNames.map((name, bit) => `(${asText(name)} is null)::int * ${2 ** bit}`).join(' + ')}) as nulls`,
);

/** Reads leaves [start, end): each entry's text and what is wrong with it beside its hash, if anything. */
export async function readChunk(db: Database, start: number, end: number): Promise<Chunk> {
  const [entries, stored, checkpoints] = await Promise.all([
    readEntries(db, start, end),
    storedNodes(db, start, end),
    db
      .select()
      .from(auditCheckpoints)
      .where(and(gte(auditCheckpoints.treeSize, start + 1), lt(auditCheckpoints.treeSize, end + 1)))
      .orderBy(asc(auditCheckpoints.treeSize)),
  ]);
  return { entries, stored, checkpoints };
}

async function readEntries(db: Database, start: number, end: number): Promise<EntryRow[]> {
  const rows = await queryRows<{ seq: string | number; entry: string; columns: string; nulls: number }>(
    db,
    sql`select seq, entry, ${columnsText} from audit_entries where seq >= ${start} and seq < ${end} order by seq`,
  );
  const entries: EntryRow[] = [];
  for (const r of rows) {
    const values = r.columns.split('\u001f');
    if (values.length !== columnNames.length) return readEntriesCarefully(db, start, end);
    for (let bit = 0; bit < values.length; bit += 1) if (r.nulls & (1 << bit)) values[bit] = null as never;
    const seq = Number(r.seq);
    entries.push({ seq, entry: r.entry, problem: entryProblem(seq, r.entry, values) });
  }
  return entries;
}

/** For a chunk whose columns hold the separator: every column in a JSON array the database makes. */
async function readEntriesCarefully(db: Database, start: number, end: number): Promise<EntryRow[]> {
  const rows = await queryRows<{ seq: string | number; entry: string; columns: string }>(
    db,
    sql`select seq, entry, json_build_array(${sql.raw(columnNames.map(asText).join(', '))})::text as columns
        from audit_entries where seq >= ${start} and seq < ${end} order by seq`,
  );
  return rows.map((r) => {
    const seq = Number(r.seq);
    return { seq, entry: r.entry, problem: entryProblem(seq, r.entry, JSON.parse(r.columns) as (string | null)[]) };
  });
}

function entryProblem(seq: number, entry: string, stored: readonly (string | null)[]): string | undefined {
  let body: AuditEntryBody;
  try {
    body = JSON.parse(entry) as AuditEntryBody;
  } catch {
    return `entry ${seq} is not valid JSON`;
  }
  if (body?.seq !== seq)
    return `the row at ${seq} holds entry ${JSON.stringify(body?.seq) ?? 'nothing'}: rows were reordered`;
  const hashed = [
    recordedAtAsStored(body.recordedAt),
    body.kind,
    body.action,
    body.outcome,
    body.actor?.id,
    body.actor?.name,
    body.actor?.kind,
    body.organisation?.id ?? null,
    body.organisation?.code ?? null,
    body.organisation?.kind ?? null,
    body.purpose,
    body.caseReference,
    body.channel,
    body.correlationId,
    subjectsText(body.subjects),
  ];
  let same = true;
  for (let i = 0; i < hashed.length; i += 1) same &&= stored[i] === hashed[i];
  if (same) return undefined;
  const differing = columnNames.filter((_, i) => stored[i] !== hashed[i]);
  return differing.length > 0
    ? `entry ${seq}: columns ${differing.join(', ')} no longer match the hashed entry`
    : undefined;
}

const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * The entry's subjects as PostgreSQL writes a uuid[] as text, or undefined (never equal to a column) when they are
 * not a list of ids written as the column would write them: the column can hold nothing else.
 */
function subjectsText(subjects: unknown): string | undefined {
  if (!Array.isArray(subjects) || !subjects.every((s) => typeof s === 'string' && uuidText.test(s))) return undefined;
  return `{${subjects.join(',')}}`;
}

/**
 * The stored nodes completed by leaves [start, end): for each level, the nodes whose last leaf is in the range.
 * Read as one run of hashes a level, not a row a node (measured: a row a node was a sixth of the verifier's time);
 * a level with a node missing or of the wrong length is read again node by node, so each is named.
 */
async function storedNodes(db: Database, start: number, end: number): Promise<StoredNodes> {
  const ranges: { level: number; first: number; last: number }[] = [];
  for (let level = 0; 2 ** level <= end; level += 1) {
    const width = 2 ** level;
    const first = Math.ceil((start + 1) / width) - 1;
    const last = Math.floor(end / width) - 1;
    if (last >= first) ranges.push({ level, first, last });
  }
  if (ranges.length === 0) return { get: () => undefined };
  // Integers this module computed, never user input, so they may be written into the statement.
  const where = sql.raw(
    ranges.map((r) => `(level = ${r.level} and node_index between ${r.first} and ${r.last})`).join(' or '),
  );
  const runs = await queryRows<{
    level: number;
    first: string;
    n: number;
    indexes: number;
    sized: boolean;
    hashes: Uint8Array;
  }>(
    db,
    sql`select level, min(node_index)::text as first, count(*)::int as n, count(distinct node_index)::int as indexes,
          bool_and(hash is not null and length(hash) = 32) as sized,
          string_agg(hash, ''::bytea order by node_index) as hashes
        from audit_tree_nodes where ${where} group by level`,
  );
  const byLevel = new Map(runs.map((r) => [r.level, r]));
  const whole = ranges.every((r) => {
    const run = byLevel.get(r.level);
    // One node an index, each of 32 bytes, every index of the range: then the run holds each node at its place.
    const width = r.last - r.first + 1;
    return run?.sized && Number(run.first) === r.first && run.n === width && run.indexes === width;
  });
  if (!whole) return storedNodesOneByOne(db, where);
  const levels = new Map(
    ranges.map((r) => [r.level, { first: r.first, hashes: Buffer.from(byLevel.get(r.level)?.hashes as Uint8Array) }]),
  );
  return {
    get(level, index) {
      const run = levels.get(level);
      const at = run ? (index - run.first) * 32 : -1;
      return run && at >= 0 && at < run.hashes.length ? run.hashes.subarray(at, at + 32) : undefined;
    },
  };
}

async function storedNodesOneByOne(db: Database, where: ReturnType<typeof sql.raw>): Promise<StoredNodes> {
  // A node whose hash is NULL is missing; one of another length is kept, to be named as not matching.
  const rows = await queryRows<{ level: number; node_index: string | number; hash: Uint8Array }>(
    db,
    sql`select level, node_index, hash from audit_tree_nodes where (${where}) and hash is not null`,
  );
  const nodes = new Map<string, Buffer>();
  const counts = new Map<string, { level: number; index: number; count: number }>();
  for (const r of rows) {
    const key = `${r.level}:${Number(r.node_index)}`;
    const seen = counts.get(key) ?? { level: r.level, index: Number(r.node_index), count: 0 };
    seen.count += 1;
    counts.set(key, seen);
    if (!nodes.has(key)) nodes.set(key, Buffer.from(r.hash));
  }
  return {
    get: (level, index) => nodes.get(`${level}:${index}`),
    duplicates: [...counts.values()].filter((c) => c.count > 1),
  };
}
