import type { PersonFacts, RetentionDecision, RetentionSettings } from './retention.types.ts';
import { grantedByApplication } from './retention-application-rules.ts';
import { biometric } from './retention-biometric-rules.ts';
import { custodyImage } from './retention-custody-image-rules.ts';
import { PersonHistory } from './retention-person-history.ts';
import {
  event,
  eventBesideItsBiometrics,
  marker,
  personRecord,
  personRecordBesideItsItems,
} from './retention-record-rules.ts';

export { addDays, addMonths, addYears, ageOn, extensionWindowOpens } from './retention-dates.ts';

// The retention rules of brief section 5 as one pure function of a person's facts and a date. Pure so that
// `leds retention plan --as-of` and the sweep give the same answer, and so every Appendix A scenario is a test.
// Each family of rules is a file of its own: biometrics, custody images, and events, the person record and markers.

/** Every decision for one person: the person record, each event, custody image, biometric and marker. */
function allDecisions(p: PersonHistory): RetentionDecision[] {
  const biometrics = p.f.biometrics.map((b) => grantedByApplication(p, biometric(p, b)));
  const items = [
    ...p.f.arrests.map((a) => eventBesideItsBiometrics(p, grantedByApplication(p, event(p, a)), biometrics)),
    ...p.f.custodyImages.map((i) => grantedByApplication(p, custodyImage(p, i))),
    ...biometrics,
    ...p.f.markers.map((m) => marker(p, m)),
  ];
  return [personRecordBesideItsItems(personRecord(p), items), ...items];
}

/** Every retained item of one person with its rule, next action and date, as of a day. */
export function assessRetention(facts: PersonFacts, asOf: string, settings: RetentionSettings): RetentionDecision[] {
  return allDecisions(new PersonHistory(facts, asOf, settings));
}

/** What is due by a day: a DESTROY or REVIEW whose date has come. */
export function isDue(decision: RetentionDecision, asOf: string): boolean {
  return decision.action !== 'KEEP' && decision.dueOn !== null && decision.dueOn <= asOf;
}
