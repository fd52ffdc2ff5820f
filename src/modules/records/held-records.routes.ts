import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { Services } from '../../composition.ts';

const HeldRecord = Type.Object({
  id: Type.String(),
  personId: Type.Union([Type.String(), Type.Null()]),
  pushedBy: Type.String(),
  sourceSystem: Type.String(),
  sourceRecordId: Type.String(),
  recordKind: Type.String(),
  reason: Type.String(),
  receivedAt: Type.String(),
  record: Type.Unknown(),
});
const NotLinked = Type.Object({
  id: Type.String(),
  sourceSystem: Type.String(),
  sourceRecordId: Type.String(),
  recordKind: Type.String(),
  ingestBatchId: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
});
const PossibleDuplicate = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  otherPersonId: Type.String(),
  pushedBy: Type.String(),
  sourceSystem: Type.String(),
  sourceRecordId: Type.String(),
  identifierType: Type.String(),
  value: Type.String(),
  foundAt: Type.String(),
});
const HeldId = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** Pushed records held for want of a person the pusher may see: the owning force reviews them (docs/access.md). */
export const heldRecordsRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { heldRecords } = services;
  const tags = ['ingest'];

  app.get(
    '/held-records',
    {
      schema: {
        tags,
        summary: 'Pushed records held against people your force owns, for an administrator to link or refuse',
        response: { 200: Type.Object({ heldRecords: Type.Array(HeldRecord) }), ...problemResponses },
      },
    },
    async (request) => ({ heldRecords: await heldRecords.forReview(contextOf(request)) }),
  );

  app.get(
    '/held-records/not-linked',
    {
      schema: {
        tags,
        summary:
          'Records your systems sent that LEDS has not linked to a person you can see (check the reference they name)',
        response: { 200: Type.Object({ records: Type.Array(NotLinked) }), ...problemResponses },
      },
    },
    async (request) => ({ records: await heldRecords.notLinked(contextOf(request)) }),
  );

  app.post(
    '/held-records/:id/link',
    {
      schema: {
        tags,
        summary: 'Link a held record to the person it names, under its pusher’s provenance',
        params: HeldId,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ linked: Type.Integer() }), ...problemResponses },
      },
    },
    async (request) => heldRecords.link(contextOf(request), request.params.id, request.body.reason?.trim() || null),
  );

  app.post(
    '/held-records/:id/refusal',
    {
      schema: {
        tags,
        summary: 'Refuse a held record: its content is deleted, its trace kept',
        params: HeldId,
        body: Type.Object({ reason: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ refused: Type.Integer() }), ...problemResponses },
      },
    },
    async (request) => heldRecords.refuse(contextOf(request), request.params.id, request.body.reason),
  );

  app.get(
    '/held-records/possible-duplicates',
    {
      schema: {
        tags,
        summary:
          'Nominals pushed with an identifier of a person your force owns whom their pusher may not see, for an administrator to reconcile',
        response: { 200: Type.Object({ possibleDuplicates: Type.Array(PossibleDuplicate) }), ...problemResponses },
      },
    },
    async (request) => ({ possibleDuplicates: await heldRecords.possibleDuplicates(contextOf(request)) }),
  );

  app.post(
    '/held-records/possible-duplicates/:id/review',
    {
      schema: {
        tags,
        summary: 'Note what your force makes of a possible duplicate, which closes it',
        params: HeldId,
        body: Type.Object({ note: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ reviewed: Type.Integer() }), ...problemResponses },
      },
    },
    async (request) => heldRecords.reviewPossibleDuplicate(contextOf(request), request.params.id, request.body.note),
  );
};
