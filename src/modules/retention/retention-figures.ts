import { deletionsByMonth } from '../records/index.ts';
import { applicationFigures, custodyImageFigures } from './retention-read-models.repository.ts';
import { RetentionUseCase } from './retention-use-case.ts';

/** The published retention figures. */
export class RetentionFigures extends RetentionUseCase {
  /** Published figures: counts only, never rows (brief 4.3; issue 5 item 7). */
  async figures() {
    const [images, deletions, applications] = await Promise.all([
      custodyImageFigures(this.db),
      deletionsByMonth(this.db),
      applicationFigures(this.db, this.today()),
    ]);
    return {
      ruleSetVersion: this.rules.version,
      custodyImagesHeld: images,
      deletionsByMonth: deletions,
      applications: applications[0] ?? {
        received: 0,
        granted: 0,
        partlyGranted: 0,
        refused: 0,
        overtaken: 0,
        lapsed: 0,
        overdue: 0,
        appeals: 0,
      },
    };
  }
}
