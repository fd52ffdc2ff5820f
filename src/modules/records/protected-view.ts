import type { ProtectedView } from '../access/index.ts';
import type { PersonRecordView, WithheldSection } from './records.schemas.ts';

type Provenanced = { provenance: { materialClass: string } };

/**
 * Cuts a person's record down to what the caller may see: an allow-list of datasets, decided once per caller
 * and purpose. A withheld section becomes null and is named, with its reason, in `view.withheld`; it is never
 * silently missing. Intelligence-class items are dropped from every section unless intelligence is visible.
 */
export function applyProtectedView(record: Omit<PersonRecordView, 'view'>, view: ProtectedView): PersonRecordView {
  const withheld: WithheldSection[] = [];
  const reasonFor = (dataset: string) => view.withheld.get(dataset) ?? 'not granted';
  const intelligenceVisible = view.visible.has('INTELLIGENCE');
  let hiddenIntelligence = 0;
  const keep = <T extends Provenanced>(items: T[] | null): T[] =>
    (items ?? []).filter((item) => {
      if (item.provenance.materialClass !== 'INTELLIGENCE' || intelligenceVisible) return true;
      hiddenIntelligence += 1;
      return false;
    });
  const section = <T extends Provenanced>(name: string, dataset: string, items: T[] | null): T[] | null => {
    if (view.visible.has(dataset)) return keep(items);
    withheld.push({ section: name, dataset, reason: reasonFor(dataset) });
    return null;
  };
  // Events are shown when either arrests and custody or convictions and disposals may be seen: an agency
  // granted convictions sees the outcomes and the offence, but not the custody details of the arrest.
  const custodyVisible = view.visible.has('ARRESTS_CUSTODY');
  const outcomesVisible = view.visible.has('CONVICTIONS_DISPOSALS');
  let events: PersonRecordView['events'] = null;
  if (custodyVisible || outcomesVisible) {
    events = keep(record.events).map((event) => ({
      ...event,
      location: custodyVisible ? event.location : null,
      officerInCase: custodyVisible ? event.officerInCase : null,
      fingerprintStatus: custodyVisible ? event.fingerprintStatus : null,
      custodyRecords: custodyVisible ? keep(event.custodyRecords) : null,
      charges: outcomesVisible ? keep(event.charges) : null,
      offences: outcomesVisible ? keep(event.offences) : null,
      courtCases: outcomesVisible ? keep(event.courtCases) : null,
      disposals: outcomesVisible ? keep(event.disposals) : null,
    }));
    if (!custodyVisible)
      withheld.push({ section: 'events.custody', dataset: 'ARRESTS_CUSTODY', reason: reasonFor('ARRESTS_CUSTODY') });
    if (!outcomesVisible)
      withheld.push({
        section: 'events.outcomes',
        dataset: 'CONVICTIONS_DISPOSALS',
        reason: reasonFor('CONVICTIONS_DISPOSALS'),
      });
  } else {
    withheld.push({ section: 'events', dataset: 'ARRESTS_CUSTODY', reason: reasonFor('ARRESTS_CUSTODY') });
  }
  const result: PersonRecordView = {
    ...record,
    view: { purpose: view.purpose, withheld },
    names: keep(record.names),
    datesOfBirth: keep(record.datesOfBirth),
    addresses: keep(record.addresses),
    identifiers: keep(record.identifiers),
    events,
    markers: section('markers', 'MARKERS', record.markers),
    custodyImages: section('custodyImages', 'CUSTODY_IMAGES', record.custodyImages),
    biometricReferences: section('biometricReferences', 'BIOMETRIC_REFERENCES', record.biometricReferences),
    missingPersonReports: section('missingPersonReports', 'MISSING_PERSONS', record.missingPersonReports),
    associates: section('associates', 'ASSOCIATES', record.associates),
  };
  if (hiddenIntelligence > 0) {
    withheld.push({
      section: 'intelligence',
      dataset: 'INTELLIGENCE',
      reason: reasonFor('INTELLIGENCE'),
      count: hiddenIntelligence,
    });
  }
  return result;
}
