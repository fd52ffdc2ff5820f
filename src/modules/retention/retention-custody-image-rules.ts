import { convictionOutcomes, type RetentionDecision } from './retention.types.ts';
import { addDays, addYears, latest } from './retention-dates.ts';
import type { Facts, PersonHistory } from './retention-person-history.ts';

// Custody images (brief 5.2): the presumption of deletion for the unconvicted, MoPI review for the convicted.

export function custodyImage(p: PersonHistory, image: Facts['custodyImages'][number]): RetentionDecision {
  const kind = 'CUSTODY_IMAGE';
  const chain = [
    image.arrestId,
    ...p.f.arrests.filter((a) => a.arisingFromArrestId === image.arrestId).map((a) => a.id),
  ];
  const under18 = image.subjectAgeAtCapture !== null && image.subjectAgeAtCapture < 18;
  const unconvictedRule = under18 ? 'C2' : 'C1';
  const conviction = p.f.disposals.find(
    (d) => chain.includes(d.arrestId) && convictionOutcomes.has(d.outcome) && d.disposedOn <= p.asOf,
  );
  if (conviction) {
    const ruleId = under18 ? (conviction.recordable ? 'C3' : 'C4') : 'C5';
    const group = p.mopiGroup(chain);
    return p.overlay(p.mopiReview(kind, image.id, group, ruleId, `convicted (${conviction.disposedOn})`));
  }
  const disposals = p.disposalsOf(chain);
  if (disposals.length === 0) {
    return p.overlay(
      p.decision(
        kind,
        image.id,
        'C9',
        'KEEP',
        null,
        'no outcome yet: deleted automatically if the outcome is not a conviction',
      ),
    );
  }
  const endedOn = latest(disposals.map((d) => d.disposedOn)) as string;
  const exceptional = p.active('EXCEPTIONAL_RETENTION', image.id).at(-1);
  if (exceptional) {
    const due = exceptional.until ?? addYears(exceptional.madeOn, p.s.exceptionalReviewYears);
    return p.overlay(
      p.decision(
        kind,
        image.id,
        unconvictedRule,
        'REVIEW',
        due,
        `not convicted, kept for a policing purpose with an exceptional reason recorded on ${exceptional.madeOn}; reviewed ${due}`,
      ),
    );
  }
  const due = addDays(endedOn, p.s.imageGraceDays);
  return p.overlay(
    p.decision(
      kind,
      image.id,
      'C9',
      'DESTROY',
      due,
      `the outcome (${disposals.map((d) => d.outcome).join(', ')}, ${endedOn}) is not a conviction: presumption of deletion (${unconvictedRule}${under18 ? ', taken under 18' : ''})`,
    ),
  );
}
