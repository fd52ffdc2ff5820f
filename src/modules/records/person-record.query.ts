// The SQL that assembles a person's whole record in one statement (associates by id only: each is a person, shown
// by the same rules as a search result, so their names come from RecordsRepository.summarisePeople): one round trip per person view, so the cost
// of the gate and audit around it can be measured against exactly this query (bench/person-read.bench.ts).
// Built from static field maps only; no caller input reaches this text.
import type { PreparedStatement } from '../../storage/database.ts';
import { organisationCodeSql } from '../access/index.ts';

type FieldMap = Record<string, string>;

const pairs = (alias: string, fields: FieldMap) =>
  Object.entries(fields)
    .map(([key, column]) => `'${key}', ${column.includes('(') || column.includes('.') ? column : `${alias}.${column}`}`)
    .join(', ');

const provenance = (alias: string) =>
  `'provenance', json_build_object('owningOrganisation', ${organisationCodeSql(`${alias}.owning_organisation_id`)}, ` +
  `'sourceSystem', ${alias}.source_system, 'sourceRecordId', ${alias}.source_record_id, ` +
  `'materialClass', ${alias}.material_class, 'legalRegime', ${alias}.legal_regime, 'gatheredFor', ${alias}.gathered_for)`;

const list = (table: string, alias: string, fields: FieldMap, where: string, orderBy: string) =>
  `coalesce((select json_agg(json_build_object(${pairs(alias, fields)}, ${provenance(alias)}) order by ${orderBy}) ` +
  `from ${table} ${alias} where ${where}), '[]'::json)`;

const events = list(
  'arrests',
  'a',
  {
    arrestId: 'id',
    asn: 'asn',
    eventType: 'event_type',
    occurredAt: 'occurred_at',
    location: 'location',
    officerInCase: 'officer_in_case',
    fingerprintStatus: 'fingerprint_status',
    offenceSummary: 'offence_summary',
    charges: list(
      'charges',
      'c',
      { chargeId: 'id', chargedOn: 'charged_on' },
      'c.arrest_id = a.id and c.person_id = a.person_id',
      'c.charged_on',
    ),
    offences: list(
      'offences',
      'f',
      {
        offenceId: 'id',
        chargeId: 'charge_id',
        offenceCode: 'offence_code',
        title: 'title',
        committedOn: 'committed_on',
        recordable: 'recordable',
        qualifying: 'qualifying',
      },
      'f.arrest_id = a.id and f.person_id = a.person_id',
      'f.title',
    ),
    courtCases: list(
      'court_cases',
      'k',
      { courtCaseId: 'id', courtName: 'court_name', firstHearingOn: 'first_hearing_on', plea: 'plea' },
      'k.arrest_id = a.id and k.person_id = a.person_id',
      'k.first_hearing_on',
    ),
    disposals: list(
      'disposals',
      'd',
      {
        disposalId: 'id',
        offenceId: 'offence_id',
        courtCaseId: 'court_case_id',
        outcome: 'outcome',
        disposedOn: 'disposed_on',
        recordable: 'recordable',
        sentence: 'sentence',
        custodialMonths: 'custodial_months',
      },
      'd.arrest_id = a.id and d.person_id = a.person_id',
      'd.disposed_on',
    ),
    custodyRecords: list(
      'custody_records',
      'r',
      {
        custodyRecordId: 'id',
        custodyReference: 'custody_reference',
        station: 'station',
        openedAt: 'opened_at',
        releasedAt: 'released_at',
      },
      'r.arrest_id = a.id and r.person_id = a.person_id',
      'r.opened_at',
    ),
  },
  'a.person_id = p.person_id',
  'a.occurred_at desc',
);

const personRecordText = `select json_build_object(
  'personId', p.person_id, 'protectedIdentity', p.protected_identity, 'sex', p.sex, 'nationality', p.nationality, 'placeOfBirth', p.place_of_birth,
  'description', json_build_object('heightCm', p.height_cm, 'build', p.build, 'eyeColour', p.eye_colour,
    'hairColour', p.hair_colour, 'distinguishingMarks', p.distinguishing_marks),
  ${provenance('p')}, 'createdAt', p.created_at, 'updatedAt', p.updated_at,
  'names', ${list('person_names', 'n', { nameType: 'name_type', forenames: 'forenames', surname: 'surname' }, 'n.person_id = p.person_id', "n.name_type <> 'PRIMARY', n.surname, n.forenames")},
  'datesOfBirth', ${list('person_dates_of_birth', 'b', { date: 'date_of_birth', estimated: 'estimated' }, 'b.person_id = p.person_id', 'b.estimated, b.date_of_birth')},
  'addresses', ${list(
    'person_addresses',
    'ad',
    {
      addressType: 'address_type',
      lines: 'lines',
      town: 'town',
      postcode: 'postcode',
      validFrom: 'valid_from',
      validTo: 'valid_to',
    },
    'ad.person_id = p.person_id',
    'ad.valid_from desc nulls last',
  )},
  'identifiers', ${list('person_identifiers', 'i', { type: 'identifier_type', value: 'value' }, 'i.person_id = p.person_id', 'i.identifier_type')},
  'markers', ${list(
    'markers',
    'm',
    { markerId: 'id', markerType: 'marker_type', code: 'code', description: 'description', reviewDue: 'review_due' },
    'm.person_id = p.person_id',
    'm.marker_type desc, m.code',
  )},
  'events', ${events},
  'custodyImages', ${list(
    'custody_images',
    'ci',
    {
      imageId: 'id',
      arrestId: 'arrest_id',
      custodyRecordId: 'custody_record_id',
      takenAt: 'taken_at',
      subjectAgeAtCapture: 'subject_age_at_capture',
      mediaType: 'media_type',
      byteSize: 'byte_size',
      contentSha256: 'content_sha256',
    },
    'ci.person_id = p.person_id',
    'ci.taken_at desc',
  )},
  'biometricReferences', ${list(
    'biometric_references',
    'br',
    {
      biometricReferenceId: 'id',
      arrestId: 'arrest_id',
      biometricType: 'biometric_type',
      holdingSystem: 'holding_system',
      reference: 'reference',
      status: 'status',
      takenAt: 'taken_at',
      identityConfirmed: 'identity_confirmed',
      confirmedAt: 'confirmed_at',
    },
    'br.person_id = p.person_id',
    'br.taken_at desc',
  )},
  'associates', ${list(
    'person_associations',
    'pa',
    {
      associationId: 'id',
      associatePersonId: 'associate_person_id',
      relationship: 'relationship',
    },
    'pa.person_id = p.person_id',
    'pa.relationship, pa.id',
  )},
  'missingPersonReports', ${list(
    'missing_person_reports',
    'mp',
    {
      reportId: 'id',
      reportedAt: 'reported_at',
      lastSeenAt: 'last_seen_at',
      lastSeenLocation: 'last_seen_location',
      riskLevel: 'risk_level',
      circumstances: 'circumstances',
      status: 'status',
      foundAt: 'found_at',
    },
    'mp.person_id = p.person_id',
    'mp.reported_at desc',
  )}
) as record
from people p where p.person_id = $1`;

/** A person's whole record as one JSON value, `record`, by person id. */
export const personRecordStatement: PreparedStatement = { name: 'person_record', text: personRecordText };
