import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { applicationsDueForErasure, eraseApplicantDetails } from './deletion-applications.repository.ts';
import { addMonths } from './retention-dates.ts';
import { RetentionUseCase } from './retention-use-case.ts';

/** The tables an erasure of applicant details changes, for the scrub that ends a deletion run. */
export const applicationTables = ['deletion_applications', 'deletion_application_items'];

/**
 * Rule RDP_APPLICATION: an application for deletion keeps the applicant's name, date of birth, contact, the event
 * it named and its free texts while it is open and for the configured months after its last step, then loses them.
 * Otherwise an application outlives the very record it asked to have deleted. Its reference, dates, channel,
 * status and outcome stay, so the published figures still count it.
 */
export class ApplicationErasure extends RetentionUseCase {
  /** Erases every application due by today, a batch per transaction, each with an audit entry; returns how many. */
  async eraseDue(by: RequestContext): Promise<number> {
    const today = this.today();
    const cutoff = addMonths(today, -this.settings.applicationKeepMonths);
    const rule = this.rules.rule('RDP_APPLICATION');
    const basis = rule ? `${rule.id}: ${rule.title}` : 'RDP_APPLICATION';
    let erased = 0;
    for (;;) {
      const due = await applicationsDueForErasure(this.db, { cutoff, today, limit: this.settings.deletionBatchSize });
      if (due.length === 0) return erased;
      await this.db.transaction(async (tx) => {
        await eraseApplicantDetails(
          tx as Database,
          due.map((a) => a.id),
          today,
        );
        // The erased details go to the audit vault, sealed, for auditors while the audit retention lasts.
        await this.trail.recordWithin(
          tx as Database,
          by,
          due.map(({ person_id, ...erasedDetails }) => ({
            kind: 'RECORD_DELETED',
            action: 'retention.destroy',
            subjects: person_id ? [person_id] : [],
            reasons: [basis],
            details: { itemKind: 'DELETION_APPLICATION', applicationId: erasedDetails.id, ruleId: 'RDP_APPLICATION' },
            shown: { deletion_applications: [erasedDetails] },
          })),
        );
      });
      erased += due.length;
    }
  }
}
