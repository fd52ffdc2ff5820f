import { spawn } from 'node:child_process';
import path from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { signAuditCheckpoint, type VerifyOptions, verifyAudit } from '../../src/cli/audit.ts';
import { createServices } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/config.ts';
import {
  auditCheckpoints,
  auditCosignatures,
  auditEntries,
  auditTreeNodes,
} from '../../src/modules/audit/audit.tables.ts';
import { leafHash, TreeFrontier } from '../../src/modules/audit/merkle.ts';
import { type DatabaseHandle, queryRows } from '../../src/storage/database.ts';
import { openDatabase } from '../../src/storage/open-database.ts';
import { asDatabaseOwner } from './database.ts';

// What a database superuser can do to the audit log: triggers off for the session (session_replication_role =
// replica), then plain SQL. The tamper tests use these to make each change as such a person would.

export interface AuditSnapshot {
  entries: (typeof auditEntries.$inferSelect)[];
  nodes: (typeof auditTreeNodes.$inferSelect)[];
  checkpoints: (typeof auditCheckpoints.$inferSelect)[];
  cosignatures: (typeof auditCosignatures.$inferSelect)[];
}

export async function snapshotAudit(handle: DatabaseHandle): Promise<AuditSnapshot> {
  const { db } = handle;
  return {
    entries: await db.select().from(auditEntries).orderBy(asc(auditEntries.seq)),
    nodes: await db.select().from(auditTreeNodes),
    checkpoints: await db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.treeSize)),
    cosignatures: await db.select().from(auditCosignatures),
  };
}

/** A text as an SQL string literal, for the hand-made statements below. */
export const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Statements run as the database owner with the append-only triggers off. */
export async function asSuperuser(handle: DatabaseHandle, statements: string[]): Promise<void> {
  await asDatabaseOwner(handle, ['begin', 'set local session_replication_role = replica', ...statements, 'commit']);
}

/** Puts the four audit tables back as the snapshot had them. */
export async function restoreAudit(handle: DatabaseHandle, snapshot: AuditSnapshot): Promise<void> {
  await asSuperuser(handle, [
    'delete from audit_cosignatures',
    'delete from audit_checkpoints',
    'delete from audit_tree_nodes',
    'delete from audit_entries',
  ]);
  const { db } = handle;
  if (snapshot.entries.length > 0) await db.insert(auditEntries).values(snapshot.entries);
  if (snapshot.nodes.length > 0) await db.insert(auditTreeNodes).values(snapshot.nodes);
  if (snapshot.checkpoints.length > 0) await db.insert(auditCheckpoints).values(snapshot.checkpoints);
  if (snapshot.cosignatures.length > 0) await db.insert(auditCosignatures).values(snapshot.cosignatures);
}

/** Every tree node of a log of these entries, as LEDS stores them. */
export function treeNodesOf(entries: readonly string[]): (typeof auditTreeNodes.$inferInsert)[] {
  const frontier = new TreeFrontier();
  return entries.flatMap((entry) =>
    frontier.append(leafHash(entry)).map((node) => ({ level: node.level, nodeIndex: node.index, hash: node.hash })),
  );
}

/**
 * Replaces the stored tree with one recomputed from the entries as they now stand: what someone rewriting
 * entries does so that the stored hashes agree with them.
 */
export async function recomputeStoredTree(handle: DatabaseHandle): Promise<void> {
  const rows = await handle.db.select({ entry: auditEntries.entry }).from(auditEntries).orderBy(asc(auditEntries.seq));
  await asSuperuser(handle, ['delete from audit_tree_nodes']);
  const nodes = treeNodesOf(rows.map((r) => r.entry));
  for (let i = 0; i < nodes.length; i += 500) await handle.db.insert(auditTreeNodes).values(nodes.slice(i, i + 500));
}

/** The log cut back to its first `size` entries, with the nodes and checkpoints past it gone. */
export async function rollBack(handle: DatabaseHandle, size: number): Promise<void> {
  await asSuperuser(handle, [
    `delete from audit_entries where seq >= ${size}`,
    `delete from audit_tree_nodes where (node_index + 1) * (1::bigint << level) > ${size}`,
    `delete from audit_checkpoints where tree_size > ${size}`,
    `delete from audit_cosignatures where tree_size > ${size}`,
  ]);
}

export async function storedSize(handle: DatabaseHandle): Promise<number> {
  const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from audit_entries`);
  return Number(row?.n ?? 0);
}

const leds = path.resolve(import.meta.dirname, '..', '..', 'bin', 'leds.js');

/**
 * Starts `leds serve` and resolves with its address once it says it is serving, or rejects with what it printed
 * if it exits first. The caller stops it with the returned function.
 */
export function startServer(
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; output: () => string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [leds, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LEDS is serving (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1] as string, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`leds serve exited with ${code} before serving:\n${output}`)));
  });
}

/**
 * The database a tamper test changes, opened as its owner for one piece of work: the scratch PostgreSQL database,
 * or the embedded one in the test's data folder (opened only while no LEDS process holds it).
 */
export function ownerHandles(where: () => { url?: string; dataDir: string }) {
  const withOwnerHandle = async <T>(run: (handle: DatabaseHandle) => Promise<T>): Promise<T> => {
    const { url, dataDir } = where();
    const handle = url
      ? await openDatabase({ kind: 'postgres', url })
      : await openDatabase({ kind: 'pglite', dataDir });
    try {
      return await run(handle);
    } finally {
      await handle.close();
    }
  };
  const entryText = async (seq: number): Promise<string> => {
    const [row] = await withOwnerHandle((handle) =>
      queryRows<{ entry: string }>(handle.db, sql`select entry from audit_entries where seq = ${seq}`),
    );
    return row?.entry as string;
  };
  return { withOwnerHandle, entryText };
}

/**
 * `leds audit verify` or `leds audit checkpoint` run in this process, with the services a command would make from
 * `env`, printing what the command prints: the same code as the command, without the 3 s a process costs to start
 * (the tamper tests run dozens on both databases). The commands themselves are run as processes elsewhere.
 */
export async function auditCommand(
  env: NodeJS.ProcessEnv,
  command: 'verify' | 'checkpoint',
  options: VerifyOptions = {},
): Promise<{ status: number; stdout: string }> {
  const lines: string[] = [];
  const print = (line: string) => lines.push(`${line}\n`);
  const services = await createServices(loadConfig(env));
  let status: number;
  try {
    status =
      command === 'verify'
        ? (await verifyAudit(services, { ...options, progress: false }, print)).ok
          ? 0
          : 1
        : (await signAuditCheckpoint(services, print))
          ? 0
          : 1;
  } finally {
    await services.close();
  }
  return { status, stdout: lines.join('') };
}
