import { asc, gt, inArray } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { auditCheckpoints, auditCosignatures } from './audit.tables.ts';

/**
 * The public history of signed checkpoints, oldest first, a page at a time: each with the witnesses'
 * cosignatures kept for it. Whoever copies these pages can later prove what the log said at each size.
 */
export async function checkpointPage(db: Database, afterSize: number, limit: number) {
  const rows = await db
    .select()
    .from(auditCheckpoints)
    .where(gt(auditCheckpoints.treeSize, afterSize))
    .orderBy(asc(auditCheckpoints.treeSize))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const sizes = page.map((r) => r.treeSize);
  const cosignatures =
    sizes.length === 0
      ? []
      : await db
          .select()
          .from(auditCosignatures)
          .where(inArray(auditCosignatures.treeSize, sizes))
          .orderBy(asc(auditCosignatures.witnessKey));
  return {
    checkpoints: page.map((r) => ({
      treeSize: r.treeSize,
      signedAt: r.signedAt.toISOString(),
      note: `${r.note}${cosignatures
        .filter((c) => c.treeSize === r.treeSize)
        .map((c) => `${c.line}\n`)
        .join('')}`,
    })),
    nextAfterSize: rows.length > limit ? page.at(-1)?.treeSize : undefined,
  };
}
