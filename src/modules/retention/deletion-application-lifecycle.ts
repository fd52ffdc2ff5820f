import { declareLifecycle } from '../../platform/lifecycle.ts';

/**
 * The lifecycle of an application for deletion, declared. The public form leaves it UNMATCHED until staff find
 * the arrest it names; a matched one is RECEIVED and decided GRANTED or REFUSED; a refusal may be appealed, and
 * the appeal is upheld (which grants) or dismissed. One never matched lapses when its applicant's details are erased. Where it stands is its status with its appeal's.
 */
export const deletionApplicationLifecycle = declareLifecycle({
  // LAPSED: never matched while its applicant's details were kept (RDP_APPLICATION); nothing is left to match.
  UNMATCHED: ['RECEIVED', 'LAPSED'],
  LAPSED: [],
  // Each item is decided on its own: all granted, some (PARTLY_GRANTED), or none. A refusal of any item may be appealed.
  // OVERTAKEN: the record it named was deleted (on review, by its own rule) before anyone decided it.
  RECEIVED: ['GRANTED', 'PARTLY_GRANTED', 'REFUSED', 'OVERTAKEN'],
  OVERTAKEN: [],
  GRANTED: [],
  PARTLY_GRANTED: ['APPEAL_LODGED'],
  REFUSED: ['APPEAL_LODGED'],
  APPEAL_LODGED: ['APPEAL_UPHELD', 'APPEAL_DISMISSED'],
  APPEAL_UPHELD: [],
  APPEAL_DISMISSED: [],
});
export type DeletionApplicationState = keyof typeof deletionApplicationLifecycle.transitions;

/** Where an application stands: its status, read with its appeal's once it was refused (or granted on appeal). */
export function deletionApplicationState(application: { status: string; appealStatus: string }): string {
  if (
    (application.status === 'REFUSED' || application.status === 'PARTLY_GRANTED') &&
    application.appealStatus !== 'NONE'
  )
    return `APPEAL_${application.appealStatus}`;
  if (application.status === 'GRANTED' && application.appealStatus === 'UPHELD') return 'APPEAL_UPHELD';
  return application.status;
}

/** Whether an application has been decided (what a decision leads to, on appeal or not): its applicant may be told. */
export function isDecided(application: { status: string; appealStatus: string }): boolean {
  const state = deletionApplicationState(application);
  return (['GRANTED', 'PARTLY_GRANTED', 'REFUSED'] as const).some(
    (decided) => state === decided || reachable(decided).has(state as DeletionApplicationState),
  );
}

function reachable(from: DeletionApplicationState): Set<DeletionApplicationState> {
  const seen = new Set<DeletionApplicationState>();
  const next = [...deletionApplicationLifecycle.transitions[from]];
  while (next.length > 0) {
    const state = next.pop() as DeletionApplicationState;
    if (seen.has(state)) continue;
    seen.add(state);
    next.push(...deletionApplicationLifecycle.transitions[state]);
  }
  return seen;
}
