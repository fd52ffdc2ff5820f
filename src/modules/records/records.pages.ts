import type { FastifyInstance, FastifyPluginAsync, RouteShorthandOptions } from 'fastify';
import { earliestYear, isCalendarDate } from '../../platform/clock.ts';
import { isLedsError } from '../../platform/errors.ts';
import { formatDate } from '../../web/format.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, requireSignedIn } from '../../web/page-session.ts';
import { formatAsn } from './identifiers.ts';
import type { PersonRecordView, PersonSearchQuery, PersonSummary } from './records.schemas.ts';
import type { RecordsService } from './records.service.ts';

type Query = Record<string, string | undefined>;

const fieldMessages: Record<string, string> = {
  pncId: 'Enter a PNC ID like 2004/0123456B, with its check letter',
  croNumber: 'Enter a CRO number like 123456/98E, with its check letter',
  surname: 'Enter a surname',
  forename: 'Enter a forename or a date of birth',
};

/**
 * A date from the three boxes of a GOV.UK date input, or an error message. Built as text, not by Date.UTC, which
 * reads a year below 100 as 19xx; a year before LEDS's earliest is refused as at every other edge.
 */
function dateFromParts(day?: string, month?: string, year?: string): { date?: string; error?: string } {
  if (!day && !month && !year) return {};
  const [d, m, y] = [day, month, year].map((part) => (part ?? '').trim());
  if (!/^\d{4}$/.test(y ?? '')) return { error: 'Year must include 4 numbers, like 1985' };
  const date = `${y}-${(m ?? '').padStart(2, '0')}-${(d ?? '').padStart(2, '0')}`;
  if (!/^\d{1,2}$/.test(d ?? '') || !/^\d{1,2}$/.test(m ?? '') || !isCalendarDate(date))
    return { error: `Date of birth must be a real date from the year ${earliestYear}, like 27 3 1985` };
  return { date };
}

/** Identifier types as people write them. */
const identifierLabels: Record<string, string> = {
  PNC_ID: 'PNC ID',
  CRO_NUMBER: 'CRO number',
  NI_NUMBER: 'National Insurance number',
  PASSPORT: 'Passport number',
  DRIVER_NUMBER: 'Driver number',
  PRISON_NUMBER: 'Prison number',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The events of a person as MoJ timeline items, newest first. */
function timelineOf(person: PersonRecordView) {
  return (person.events ?? []).map((event) => {
    const lines = [
      `<p class="govuk-body-s">${escapeHtml(event.offenceSummary)}${event.location ? `, ${escapeHtml(event.location)}` : ''}</p>`,
      ...(event.offences ?? []).map(
        (o) =>
          `<p class="govuk-body-s">Offence: ${escapeHtml(o.title)} (${escapeHtml(o.offenceCode)})${o.recordable ? ', recordable' : ''}</p>`,
      ),
      ...(event.courtCases ?? []).map(
        (c) =>
          `<p class="govuk-body-s">Court: ${escapeHtml(c.courtName)}, first hearing ${formatDate(c.firstHearingOn)}</p>`,
      ),
      ...(event.disposals ?? []).map(
        (d) =>
          `<p class="govuk-body-s" data-testid="disposal"><strong>Outcome: ${escapeHtml(d.outcome.replace(/_/g, ' ').toLowerCase())}</strong> on ${formatDate(d.disposedOn)}${d.sentence ? `, ${escapeHtml(d.sentence)}` : ''}</p>`,
      ),
      ...(event.custodyRecords ?? []).map(
        (c) => `<p class="govuk-body-s">Custody ${escapeHtml(c.custodyReference)} at ${escapeHtml(c.station)}</p>`,
      ),
    ];
    if (event.disposals === null) lines.push('<p class="govuk-body-s">Outcome: withheld</p>');
    else if (event.disposals.length === 0) lines.push('<p class="govuk-body-s">Outcome: awaiting result</p>');
    return {
      label: { text: `${event.eventType === 'ARREST' ? 'Arrest' : 'Summons'} ${formatAsn(event.asn)}` },
      html: lines.join(''),
      datetime: { timestamp: event.occurredAt, type: 'date' },
      byline: {
        text: event.fingerprintStatus
          ? `${event.provenance.owningOrganisation}, fingerprints ${event.fingerprintStatus.toLowerCase().replace(/_/g, ' ')}`
          : event.provenance.owningOrganisation,
      },
    };
  });
}

function identityRows(person: PersonRecordView) {
  const primary = person.names[0];
  const notKnown = 'Not known';
  const dobs = person.datesOfBirth.map((d) => `${formatDate(d.date)}${d.estimated ? ' (estimated)' : ''}`).join(', ');
  const looks = [
    person.description.build,
    person.description.eyeColour && `${person.description.eyeColour} eyes`,
    person.description.hairColour && `${person.description.hairColour} hair`,
  ]
    .filter(Boolean)
    .join(', ');
  return [
    { key: { text: 'Name' }, value: { text: primary ? `${primary.forenames} ${primary.surname}` : notKnown } },
    { key: { text: 'Date of birth' }, value: { text: dobs || notKnown } },
    {
      key: { text: 'Sex' },
      value: {
        text: person.sex ? person.sex.charAt(0) + person.sex.slice(1).toLowerCase().replace(/_/g, ' ') : notKnown,
      },
    },
    { key: { text: 'Nationality' }, value: { text: person.nationality ?? notKnown } },
    { key: { text: 'Place of birth' }, value: { text: person.placeOfBirth ?? notKnown } },
    {
      key: { text: 'Height' },
      value: { text: person.description.heightCm ? `${person.description.heightCm} cm` : notKnown },
    },
    { key: { text: 'Description' }, value: { text: looks || notKnown } },
    {
      key: { text: 'Distinguishing marks' },
      value: { text: person.description.distinguishingMarks ?? 'None recorded' },
    },
    ...person.identifiers.map((i) => ({ key: { text: identifierLabels[i.type] ?? i.type }, value: { text: i.value } })),
    {
      key: { text: 'Owning organisation' },
      value: { text: `${person.provenance.owningOrganisation} (${person.provenance.sourceSystem})` },
    },
  ];
}

/** What the records pages use: the page session's services, and the records service's reads. */
export type RecordsPageServices = Parameters<typeof requireSignedIn>[0] &
  Parameters<typeof pageLocals>[0] & {
    records: Pick<RecordsService, 'searchPeople' | 'viewPerson' | 'custodyImageContent'>;
  };

/** Find a person, and the person page. Pages call the same services as the API. */
export const recordsPages: FastifyPluginAsync<{ services: RecordsPageServices }> = async (app, { services }) => {
  const guard = { preHandler: requireSignedIn(services, { purpose: true }) };
  registerPersonSearchPage(app, services, guard);
  registerPersonPage(app, services, guard);
  registerCustodyImagePage(app, services, guard);
};

/** Find a person: by PNC ID, CRO number, or name with date of birth. */
function registerPersonSearchPage(app: FastifyInstance, services: RecordsPageServices, guard: RouteShorthandOptions) {
  app.get(
    '/people/search',
    {
      ...guard,
      schema: pageSchema({
        query: { text: ['pncId', 'croNumber', 'surname', 'forename', 'dob-day', 'dob-month', 'dob-year'] },
      }),
    },
    async (request, reply) => {
      const q = request.query as Query;
      const query = {
        pncId: q.pncId?.trim(),
        croNumber: q.croNumber?.trim(),
        surname: q.surname?.trim(),
        forename: q.forename?.trim(),
        dobDay: q['dob-day']?.trim(),
        dobMonth: q['dob-month']?.trim(),
        dobYear: q['dob-year']?.trim(),
      };
      const searched = Object.values(query).some((v) => v);
      const fieldErrors: Record<string, string> = {};
      let results: PersonSummary[] | undefined;
      if (searched) {
        const dob = dateFromParts(query.dobDay, query.dobMonth, query.dobYear);
        if (dob.error) fieldErrors.dateOfBirth = dob.error;
        else {
          const criteria: PersonSearchQuery = query.pncId
            ? { pncId: query.pncId }
            : query.croNumber
              ? { croNumber: query.croNumber }
              : { surname: query.surname, forename: query.forename, dateOfBirth: dob.date };
          try {
            results = await services.records.searchPeople(pageContext(request), criteria);
          } catch (error) {
            if (!isLedsError(error) || error.fieldProblems.length === 0) throw error;
            for (const problem of error.fieldProblems)
              fieldErrors[problem.field] = fieldMessages[problem.field] ?? problem.message;
          }
        }
      }
      const errors = Object.entries(fieldErrors).map(([field, text]) => ({
        text,
        href: field === 'dateOfBirth' ? '#dob-day' : `#${field}`,
      }));
      return reply
        .status(errors.length > 0 ? 400 : 200)
        .view('pages/search.njk', { ...pageLocals(services, request), query, results, fieldErrors, errors });
    },
  );
}

/** The person page: the person's record as the caller may see it. */
function registerPersonPage(app: FastifyInstance, services: RecordsPageServices, guard: RouteShorthandOptions) {
  app.get('/people/:personId', { ...guard, schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const { personId } = request.params as { personId: string };
    const person = await services.records.viewPerson(pageContext(request), personId);
    return reply.view('pages/person.njk', {
      ...pageLocals(services, request),
      person,
      identityRows: identityRows(person),
      timeline: timelineOf(person),
      fingerprintConfirmed: (person.biometricReferences ?? []).some((b) => b.identityConfirmed),
      withheld: Object.fromEntries(person.view.withheld.map((w) => [w.section, w])),
    });
  });
}

/** A custody image on the person page. */
function registerCustodyImagePage(app: FastifyInstance, services: RecordsPageServices, guard: RouteShorthandOptions) {
  app.get(
    '/people/:personId/custody-images/:imageId',
    { ...guard, schema: pageSchema({ query: {} }) },
    async (request, reply) => {
      const { personId, imageId } = request.params as { personId: string; imageId: string };
      const image = await services.records.custodyImageContent(pageContext(request), personId, imageId);
      return reply.type(image.mediaType).header('cache-control', 'private, no-store').send(image.bytes);
    },
  );
}
