import type { RetainedItemKind } from './retention.types.ts';

/**
 * The grounds of the Record Deletion Process (brief 5.4, P5 to P7), each with the evidence it needs and the items
 * it can delete. "No crime" and "unlawfully taken" are in the stored ACRO text [S45] [V]; the others are the
 * grounds commonly listed with them [U]. An acquittal or no further action alone does not meet "no crime" (P6):
 * the decider records the evidence that does. Granting an item on no ground that covers it, or deleting a
 * conviction's event (no national process deletes a court conviction, P4), needs a recorded exceptional reason
 * (the chief officer's exceptional-case procedure, P7).
 */
export const deletionGrounds = [
  {
    code: 'NO_CRIME',
    title: 'No crime took place',
    evidence:
      'the force’s record that the allegation was reclassified as no crime, or evidence that no offence was committed; an acquittal or no further action alone is not enough',
    covers: ['EVENT', 'CUSTODY_IMAGE', 'BIOMETRIC_REFERENCE'],
    confidence: 'V',
  },
  {
    code: 'UNLAWFUL_ARREST',
    title: 'The arrest was unlawful',
    evidence: 'a court’s finding, a settled claim, or the force’s own finding that the arrest was unlawful',
    covers: ['EVENT', 'CUSTODY_IMAGE', 'BIOMETRIC_REFERENCE'],
    confidence: 'U',
  },
  {
    code: 'UNLAWFULLY_TAKEN',
    title: 'Fingerprints or DNA were taken unlawfully',
    evidence: 'a finding that there was no power to take them, or that the procedure was not followed',
    covers: ['BIOMETRIC_REFERENCE'],
    confidence: 'V',
  },
  {
    code: 'MISTAKEN_IDENTITY',
    title: 'Mistaken identity',
    evidence:
      'evidence that the person arrested was not the person suspected, or that the record was joined to the wrong person',
    covers: ['EVENT', 'CUSTODY_IMAGE', 'BIOMETRIC_REFERENCE'],
    confidence: 'U',
  },
  {
    code: 'MALICIOUS_OR_FALSE_ALLEGATION',
    title: 'A malicious or false allegation',
    evidence: 'a finding, or evidence, that the allegation was malicious or false',
    covers: ['EVENT', 'CUSTODY_IMAGE', 'BIOMETRIC_REFERENCE'],
    confidence: 'U',
  },
  {
    code: 'PROVEN_ALIBI',
    title: 'A proven alibi',
    evidence: 'evidence that the person was elsewhere when the offence was committed',
    covers: ['EVENT', 'CUSTODY_IMAGE', 'BIOMETRIC_REFERENCE'],
    confidence: 'U',
  },
  {
    code: 'NOT_CONVICTED_IMAGE',
    title: 'A custody image of someone not convicted',
    evidence: 'the outcome of the arrest: the presumption of deletion (C1, C2) needs nothing more',
    covers: ['CUSTODY_IMAGE'],
    confidence: 'V',
  },
  {
    code: 'OTHER',
    title: 'Another reason, in the applicant’s words',
    evidence: 'what the applicant gave; deleting on it needs an exceptional reason',
    covers: [],
    confidence: 'design',
  },
] as const satisfies readonly {
  code: string;
  title: string;
  evidence: string;
  covers: readonly RetainedItemKind[];
  confidence: string;
}[];

export type DeletionGroundCode = (typeof deletionGrounds)[number]['code'];
export const deletionGroundCodes = deletionGrounds.map((g) => g.code) as DeletionGroundCode[];

/** A ground the decider found met, with the evidence they recorded for it. */
export interface GroundMet {
  code: DeletionGroundCode;
  evidence: string;
}

/** Whether a ground met covers an item of this kind. */
export function groundCovers(code: DeletionGroundCode, kind: RetainedItemKind): boolean {
  return (
    (deletionGrounds.find((g) => g.code === code)?.covers as readonly string[] | undefined)?.includes(kind) ?? false
  );
}
