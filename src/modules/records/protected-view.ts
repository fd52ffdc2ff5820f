import { ageOn } from '../../platform/clock.ts';
import type { ProtectedView } from '../access/index.ts';
import {
  classVisible,
  identityRowVisible,
  identitySuppliers,
  identitySupply,
  type RowProvenance,
  rowVisible,
  type VisibilityRules,
} from './identity-visibility.ts';
import type { LoadedPersonRecord } from './records.repository.ts';
import type { PersonRecordView, WithheldSection } from './records.schemas.ts';

type Provenanced = { provenance: RowProvenance };
type LoadedRecord = LoadedPersonRecord;
/** The record as the view leaves it: associates still to be checked as people. */
export type ViewedRecord = Omit<PersonRecordView, 'associates'> & { associates: LoadedPersonRecord['associates'] };

/** The rows of a loaded record that can supply its identity, by dataset (identity-visibility.ts). */
function suppliersOf(record: LoadedRecord) {
  const rows: Record<(typeof identitySuppliers)[number]['table'], Provenanced[] | null> = {
    arrests: record.events,
    custody_images: record.custodyImages,
    biometric_references: record.biometricReferences,
    markers: record.markers,
    missing_person_reports: record.missingPersonReports,
    person_associations: record.associates,
  };
  return identitySuppliers.map(({ table, dataset }) => ({
    dataset,
    rows: (rows[table] ?? []).map((r) => r.provenance),
  }));
}

/** Whether the caller may see this person at all: some name of theirs came from a record the caller may use. */
export function personIdentityVisible(record: LoadedRecord, rules: VisibilityRules): boolean {
  const supplied = identitySupply(suppliersOf(record), rules);
  return record.names.some((n) => identityRowVisible(n.provenance, supplied, rules));
}

/**
 * Cuts a person's record down to what the caller may see: an allow-list of datasets, decided once per caller
 * and purpose, then the record-level rules on every row (identity-visibility.ts). A withheld section becomes
 * null and is named, with its reason, in `view.withheld`; it is never silently missing. Intelligence-class items
 * and items gathered for a purpose the caller's may not use are dropped from every section and counted, except
 * family and associates, which are left out without a count: an associate is a person, and a hidden person is
 * never hinted at (docs/access.md).
 */
export function applyProtectedView(record: LoadedRecord, view: ProtectedView, rules: VisibilityRules): ViewedRecord {
  const filters = viewFilters(record, view, rules);
  const { withheld, reasonFor, count, identity, section } = filters;
  const events = viewEvents(record, view, filters);
  const datesOfBirth = identity(record.datesOfBirth);
  // An image's age at capture was worked out from every date of birth held; where one is withheld it would give
  // that date away, so the age is worked out again from the dates the caller is shown.
  const earliestShown = datesOfBirth.map((d) => d.date).sort()[0];
  const ageAsShown = <T extends { takenAt: string; subjectAgeAtCapture: number | null }>(image: T): T =>
    datesOfBirth.length === record.datesOfBirth.length
      ? image
      : { ...image, subjectAgeAtCapture: earliestShown ? ageOn(earliestShown, new Date(image.takenAt)) : null };
  // The person row's own attributes came from the first record that made the nominal: they follow its provenance.
  const attributesVisible = identityRowVisible(record.provenance, filters.supplied, rules);
  if (!attributesVisible) count(record.provenance);
  const result: ViewedRecord = {
    ...record,
    view: { purpose: view.purpose, withheld },
    sex: attributesVisible ? record.sex : null,
    nationality: attributesVisible ? record.nationality : null,
    placeOfBirth: attributesVisible ? record.placeOfBirth : null,
    description: attributesVisible
      ? record.description
      : { heightCm: null, build: null, eyeColour: null, hairColour: null, distinguishingMarks: null },
    names: identity(record.names),
    datesOfBirth,
    addresses: identity(record.addresses),
    identifiers: identity(record.identifiers),
    events,
    markers: section('markers', 'MARKERS', record.markers),
    custodyImages: section('custodyImages', 'CUSTODY_IMAGES', record.custodyImages)?.map(ageAsShown) ?? null,
    biometricReferences: section('biometricReferences', 'BIOMETRIC_REFERENCES', record.biometricReferences),
    missingPersonReports: section('missingPersonReports', 'MISSING_PERSONS', record.missingPersonReports),
    associates: null,
  };
  // SECURITY: association rows the caller may not see are dropped uncounted; the associates themselves are then
  // checked as people by the service (RecordsService.visibleAssociates).
  if (view.visible.has('ASSOCIATES'))
    result.associates = (record.associates ?? []).filter((a) => rowVisible(a.provenance, 'ASSOCIATES', rules));
  else withheld.push({ section: 'associates', dataset: 'ASSOCIATES', reason: reasonFor('ASSOCIATES') });
  nameCountedItems(filters, view);
  return result;
}

/** The filters one view applies to a record's rows, and what they withheld and counted as they went. */
function viewFilters(record: LoadedRecord, view: ProtectedView, rules: VisibilityRules) {
  const withheld: WithheldSection[] = [];
  const reasonFor = (dataset: string) => view.withheld.get(dataset) ?? 'not granted';
  const hidden = { intelligence: 0, byPurpose: 0 };
  const count = (row: RowProvenance) => {
    if (!classVisible(row, rules)) hidden.intelligence += 1;
    else hidden.byPurpose += 1;
  };
  const keep = <T extends Provenanced>(items: T[] | null, dataset: string): T[] =>
    (items ?? []).filter((item) => {
      if (rowVisible(item.provenance, dataset, rules)) return true;
      count(item.provenance);
      return false;
    });
  const supplied = identitySupply(suppliersOf(record), rules);
  const identity = <T extends Provenanced>(items: T[]): T[] =>
    items.filter((item) => {
      if (identityRowVisible(item.provenance, supplied, rules)) return true;
      count(item.provenance);
      return false;
    });
  const section = <T extends Provenanced>(name: string, dataset: string, items: T[] | null): T[] | null => {
    if (view.visible.has(dataset)) return keep(items, dataset);
    withheld.push({ section: name, dataset, reason: reasonFor(dataset) });
    return null;
  };
  return { withheld, reasonFor, hidden, count, keep, supplied, identity, section };
}

type ViewFilters = ReturnType<typeof viewFilters>;

function viewEvents(
  record: LoadedRecord,
  view: ProtectedView,
  { keep, withheld, reasonFor }: ViewFilters,
): ViewedRecord['events'] {
  // Events are shown when either arrests and custody or convictions and disposals may be seen: an agency
  // granted convictions sees the outcomes and the offence, but not the custody details of the arrest.
  const custodyVisible = view.visible.has('ARRESTS_CUSTODY');
  const outcomesVisible = view.visible.has('CONVICTIONS_DISPOSALS');
  if (!custodyVisible && !outcomesVisible) {
    withheld.push({ section: 'events', dataset: 'ARRESTS_CUSTODY', reason: reasonFor('ARRESTS_CUSTODY') });
    return null;
  }
  const events = keep(record.events, 'ARRESTS_CUSTODY').map((event) => ({
    ...event,
    location: custodyVisible ? event.location : null,
    officerInCase: custodyVisible ? event.officerInCase : null,
    fingerprintStatus: custodyVisible ? event.fingerprintStatus : null,
    custodyRecords: custodyVisible ? keep(event.custodyRecords, 'ARRESTS_CUSTODY') : null,
    charges: outcomesVisible ? keep(event.charges, 'CONVICTIONS_DISPOSALS') : null,
    offences: outcomesVisible ? keep(event.offences, 'CONVICTIONS_DISPOSALS') : null,
    courtCases: outcomesVisible ? keep(event.courtCases, 'CONVICTIONS_DISPOSALS') : null,
    disposals: outcomesVisible ? keep(event.disposals, 'CONVICTIONS_DISPOSALS') : null,
  }));
  if (!custodyVisible)
    withheld.push({ section: 'events.custody', dataset: 'ARRESTS_CUSTODY', reason: reasonFor('ARRESTS_CUSTODY') });
  if (!outcomesVisible)
    withheld.push({
      section: 'events.outcomes',
      dataset: 'CONVICTIONS_DISPOSALS',
      reason: reasonFor('CONVICTIONS_DISPOSALS'),
    });
  return events;
}

/** Names, with their counts, the intelligence-class and purpose-limited items the view dropped. */
function nameCountedItems({ withheld, reasonFor, hidden }: ViewFilters, view: ProtectedView): void {
  if (hidden.intelligence > 0) {
    withheld.push({
      section: 'intelligence',
      dataset: 'INTELLIGENCE',
      reason: reasonFor('INTELLIGENCE'),
      count: hidden.intelligence,
    });
  }
  if (hidden.byPurpose > 0) {
    withheld.push({
      section: 'purposeLimited',
      reason: `gathered for a purpose that may not be used for \`${view.purpose}\``,
      count: hidden.byPurpose,
    });
  }
}
