import { type RetentionDecision, unconvictedImageRules } from './retention.types.ts';
import type { PersonHistory } from './retention-person-history.ts';

// Applications for deletion (brief 5.4 P5 to P7; 5.2 C1, C2, C6): what a granted item becomes.

/**
 * An item an application for deletion was granted for is due for destruction on the day it was granted: under
 * the presumption of deletion for an unconvicted person's custody image (C1, C2), otherwise under the Record
 * Deletion Process (P5). A legal hold or a review still applies over it (the overlay), and fingerprints or DNA
 * under a national security determination stay kept, so the application's page never says it was deleted.
 */
export function grantedByApplication(p: PersonHistory, d: RetentionDecision): RetentionDecision {
  const grant = p.f.grantedItems.find((g) => g.itemId === d.itemId && g.decidedOn <= p.asOf);
  if (!grant) return d;
  const granted = `an application for deletion was granted on ${grant.decidedOn}`;
  if (d.itemKind === 'BIOMETRIC_REFERENCE' && p.active('NATIONAL_SECURITY_DETERMINATION', d.itemId).length > 0) {
    return { ...d, reason: `${granted}, but a national security determination keeps it (B10): ${d.reason}` };
  }
  const image = d.itemKind === 'CUSTODY_IMAGE' ? p.f.custodyImages.find((i) => i.id === d.itemId) : undefined;
  const under18 = image?.subjectAgeAtCapture != null && image.subjectAgeAtCapture < 18;
  const ruleId = image && unconvictedImageRules.has(d.ruleId) ? (under18 ? 'C2' : 'C1') : 'P5';
  return p.overlay(p.decision(d.itemKind, d.itemId, ruleId, 'DESTROY', grant.decidedOn, granted));
}
