import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { HeldRecordsService } from './held-records.service.ts';

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

/** What the held records routes use: the review of held records and possible duplicates. */
export interface HeldRecordsRouteServices {
  heldRecords: Pick<
    HeldRecordsService,
    'forReview' | 'notLinked' | 'link' | 'refuse' | 'possibleDuplicates' | 'reviewPossibleDuplicate'
  >;
}

type HeldRecordsApp = Parameters<FastifyPluginAsyncTypebox>[0];
const tags = ['ingest'];

/** Pushed records held for want of a person the pusher may see: the owning force reviews them (docs/access.md). */
export const heldRecordsRoutes: FastifyPluginAsyncTypebox<{ services: HeldRecordsRouteServices }> = async (
  app,
  { services },
) => {
  registerHeldRecordsRoute(app, services);
  registerNotLinkedRoute(app, services);
  registerLinkRoute(app, services);
  registerRefusalRoute(app, services);
  registerPossibleDuplicatesRoute(app, services);
  registerPossibleDuplicateReviewRoute(app, services);
};

/** The records held for the caller's force to review. */
function registerHeldRecordsRoute(app: HeldRecordsApp, services: HeldRecordsRouteServices) {
  app.get(
    '/held-records',
    {
      schema: {
        tags,
        summary: 'Pushed records held against people your force owns, for an administrator to link or refuse',
        response: { 200: Type.Object({ heldRecords: Type.Array(HeldRecord) }), ...problemResponses },
      },
    },
    async (request) => ({ heldRecords: await services.heldRecords.forReview(contextOf(request)) }),
  );
}

/** The caller's own records that LEDS has not linked. */
function registerNotLinkedRoute(app: HeldRecordsApp, services: HeldRecordsRouteServices) {
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
    async (request) => ({ records: await services.heldRecords.notLinked(contextOf(request)) }),
  );
}

/** Link a held record to the person it names. */
function registerLinkRoute(app: HeldRecordsApp, services: HeldRecordsRouteServices) {
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
    async (request) =>
      services.heldRecords.link(contextOf(request), request.params.id, request.body.reason?.trim() || null),
  );
}

/** Refuse a held record. */
function registerRefusalRoute(app: HeldRecordsApp, services: HeldRecordsRouteServices) {
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
    async (request) => services.heldRecords.refuse(contextOf(request), request.params.id, request.body.reason),
  );
}

/** The possible duplicates for the caller's force to reconcile. */
function registerPossibleDuplicatesRoute(app: HeldRecordsApp, services: HeldRecordsRouteServices) {
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
    async (request) => ({ possibleDuplicates: await services.heldRecords.possibleDuplicates(contextOf(request)) }),
  );
}

/** Review a possible duplicate. */
function registerPossibleDuplicateReviewRoute(app: HeldRecordsApp, services: HeldRecordsRouteServices) {
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
    async (request) =>
      services.heldRecords.reviewPossibleDuplicate(contextOf(request), request.params.id, request.body.note),
  );
}
