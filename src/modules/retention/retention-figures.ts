import { sql } from 'drizzle-orm';
import { queryRows } from '../../storage/database.ts';
import { deletionsByMonth } from '../records/index.ts';
import { RetentionUseCase } from './retention-use-case.ts';

/** The published retention figures. */
export class RetentionFigures extends RetentionUseCase {
  /** Published figures: counts only, never rows (brief 4.3; issue 5 item 7). */
  async figures() {
    const [images, deletions, applications] = await Promise.all([
      queryRows<{ status: string; count: number }>(
        this.db,
        sql`SELECT CASE WHEN rule_id IN ('C3', 'C4', 'C5') THEN 'CONVICTED'
                        WHEN rule_id = 'C9' AND action = 'KEEP' THEN 'AWAITING_OUTCOME'
                        WHEN held THEN 'UNDER_LEGAL_HOLD'
                        ELSE 'NOT_CONVICTED' END AS status, count(*)::int AS count
            FROM retention_decisions WHERE item_kind = 'CUSTODY_IMAGE' GROUP BY 1 ORDER BY 1`,
      ),
      deletionsByMonth(this.db),
      queryRows<{ received: number; granted: number; refused: number; overdue: number; appeals: number }>(
        this.db,
        sql`SELECT count(*)::int AS received,
                   count(*) FILTER (WHERE status = 'GRANTED')::int AS granted,
                   count(*) FILTER (WHERE status = 'REFUSED')::int AS refused,
                   count(*) FILTER (WHERE decided_on IS NULL AND target_date < ${this.today()}::date)::int AS overdue,
                   count(*) FILTER (WHERE appeal_status <> 'NONE')::int AS appeals
            FROM deletion_applications`,
      ),
    ]);
    return {
      ruleSetVersion: this.rules.version,
      custodyImagesHeld: images,
      deletionsByMonth: deletions,
      applications: applications[0] ?? { received: 0, granted: 0, refused: 0, overdue: 0, appeals: 0 },
    };
  }
}
