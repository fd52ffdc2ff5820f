import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PurposeHeaders, problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { OversightService } from './oversight.service.ts';

/** What the auditors' API uses: the auditor console's service. */
export interface AuditorRouteServices {
  oversight: Pick<
    OversightService,
    'openCase' | 'searchEntries' | 'entry' | 'patterns' | 'placeLegalHold' | 'deletedRecord'
  >;
}

/** The instance a TypeBox route plugin is given, for the functions that register one route each. */
type Api = Parameters<FastifyPluginAsyncTypebox>[0];
type Oversight = AuditorRouteServices['oversight'];

const nullableString = Type.Union([Type.String(), Type.Null()]);
const EntrySummary = Type.Object({
  seq: Type.Integer(),
  recordedAt: Type.String(),
  kind: Type.String(),
  action: Type.String(),
  outcome: Type.String(),
  actorName: Type.String(),
  organisationCode: nullableString,
  purpose: nullableString,
  caseReference: nullableString,
  channel: Type.String(),
  subjects: Type.Array(Type.String()),
});
const count = () => Type.String({ pattern: '^[0-9]{1,15}$' });
const tags = ['audit'];

function registerOpenCaseRoute(app: Api, oversight: Oversight) {
  app.post(
    '/audit/cases',
    {
      schema: {
        tags,
        summary: 'Open an audit case; its reference is then sent as the case reference with the AUDIT purpose',
        body: Type.Object({ reason: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ id: Type.String(), reference: Type.String(), reason: Type.String() }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const opened = await oversight.openCase(contextOf(request), request.body.reason);
      return reply.status(201).send({ id: opened.id, reference: opened.reference, reason: opened.reason });
    },
  );
}

function registerSearchEntriesRoute(app: Api, oversight: Oversight) {
  app.get(
    '/audit/entries',
    {
      schema: {
        tags,
        summary: 'Search the audit log by person, user, organisation, purpose, kind, outcome and dates',
        headers: PurposeHeaders,
        querystring: Type.Object(
          {
            personId: Type.Optional(Type.String({ maxLength: 64 })),
            actorId: Type.Optional(Type.String({ maxLength: 200 })),
            organisationCode: Type.Optional(Type.String({ maxLength: 40 })),
            purpose: Type.Optional(Type.String({ maxLength: 40 })),
            kind: Type.Optional(Type.String({ maxLength: 60 })),
            outcome: Type.Optional(
              Type.Union([Type.Literal('ALLOWED'), Type.Literal('DENIED'), Type.Literal('FAILED')]),
            ),
            from: Type.Optional(Type.String({ format: 'date' })),
            to: Type.Optional(Type.String({ format: 'date' })),
            before: Type.Optional(count()),
            limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ entries: Type.Array(EntrySummary) }), ...problemResponses },
      },
    },
    async (request) => {
      const { before, limit, ...criteria } = request.query;
      return {
        entries: await oversight.searchEntries(contextOf(request), {
          ...criteria,
          before: before === undefined ? undefined : Number(before),
          limit: limit === undefined ? undefined : Number(limit),
        }),
      };
    },
  );
}

function registerEntryRoute(app: Api, oversight: Oversight) {
  app.get(
    '/audit/entries/:seq',
    {
      schema: {
        tags,
        summary: 'One entry: what it records, its inclusion proof, and what the user was shown',
        headers: PurposeHeaders,
        params: Type.Object({ seq: count() }),
        response: {
          200: Type.Object({
            entry: Type.Unknown(),
            leafHash: Type.String(),
            proof: Type.Object({
              treeSize: Type.Integer(),
              rootHash: Type.String(),
              hashes: Type.Array(Type.String()),
              checkpoint: nullableString,
            }),
            shown: Type.Object({
              state: Type.String(),
              content: Type.Unknown(),
              matchesEntry: Type.Union([Type.Boolean(), Type.Null()]),
            }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => oversight.entry(contextOf(request), Number(request.params.seq)),
  );
}

function registerDeletedRecordRoute(app: Api, oversight: Oversight) {
  app.get(
    '/audit/deleted-records/:id',
    {
      schema: {
        tags,
        summary:
          'A deleted record (by its id or a tombstone id): its tombstones and legal basis, the notices, the person’s audit trail, and the content from the vault while it lasts',
        headers: PurposeHeaders,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({}, { additionalProperties: true }), ...problemResponses },
      },
    },
    async (request) => oversight.deletedRecord(contextOf(request), request.params.id),
  );
}

function registerPatternsRoute(app: Api, oversight: Oversight) {
  app.get(
    '/audit/patterns',
    {
      schema: {
        tags,
        summary: 'Unusual volumes, look-ups of the user’s own surname or postcode, out-of-hours use, repeated refusals',
        headers: PurposeHeaders,
        querystring: Type.Object(
          { from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => oversight.patterns(contextOf(request), request.query),
  );
}

function registerLegalHoldRoute(app: Api, oversight: Oversight) {
  app.post(
    '/audit/legal-holds',
    {
      schema: {
        tags,
        summary: 'Keep what users were shown about a person or by a user past the audit retention period',
        body: Type.Object(
          {
            subjectKind: Type.Union([Type.Literal('PERSON'), Type.Literal('USER')]),
            subjectId: Type.String({ minLength: 1, maxLength: 200 }),
            reason: Type.String({ maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String() }), ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await oversight.placeLegalHold(contextOf(request), request.body)),
  );
}

/** For auditors: cases, searching the log, one entry with its proof and what the user saw, patterns, holds. */
export const auditorRoutes: FastifyPluginAsyncTypebox<{ services: AuditorRouteServices }> = async (
  app,
  { services },
) => {
  registerOpenCaseRoute(app, services.oversight);
  registerSearchEntriesRoute(app, services.oversight);
  registerEntryRoute(app, services.oversight);
  registerDeletedRecordRoute(app, services.oversight);
  registerPatternsRoute(app, services.oversight);
  registerLegalHoldRoute(app, services.oversight);
};
