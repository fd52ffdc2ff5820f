import type { RetentionDecision } from './retention.types.ts';
import { addDays, addMonths } from './retention-dates.ts';

// A historic backlog is planned, not overdue (issue 13 item 5). Loading an existing record set decides decades of
// periodic reviews at once, all of them due long ago. A review already past due when LEDS first decides it is
// given a planned date instead, spread over the configured months: the most serious first (MoPI group 1, then
// convictions kept indefinitely and group 2, then the rest), and within each, the oldest first. The date is worked
// out from the item alone, so a sweep that decides people batch by batch plans them all alike.

/** How serious the matter under review is: 0 first. */
function seriousness(ruleId: string): 0 | 1 | 2 {
  if (ruleId === 'MOPI1') return 0;
  if (['MOPI2', 'P1', 'GAUGHRAN', 'B3', 'B6', 'B8', 'B14'].includes(ruleId)) return 1;
  return 2;
}

/** The earliest due date the spread distinguishes: anything older is planned first in its band. */
const oldest = '1970-01-01';
const day = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / day);

/**
 * The planned date of a review first decided today with its due date already past, or null when it is not
 * backlog (not a review, not past due, or planning switched off with 0 months).
 */
export function plannedReviewDate(d: RetentionDecision, today: string, backlogMonths: number): string | null {
  if (d.action !== 'REVIEW' || d.dueOn === null || d.dueOn >= today || backlogMonths <= 0) return null;
  const span = days(today, addMonths(today, backlogMonths));
  const age = Math.min(1, Math.max(0, days(d.dueOn < oldest ? oldest : d.dueOn, today) / days(oldest, today)));
  // Older first: the oldest due date takes the start of its band, one due yesterday its end.
  const position = (seriousness(d.ruleId) + (1 - age)) / 3;
  return addDays(today, Math.floor(position * span));
}
