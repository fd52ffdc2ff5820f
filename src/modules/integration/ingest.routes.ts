import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemSchema, problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { Config } from '../../config/config.ts';
import { LedsError } from '../../platform/errors.ts';
import type { IngestService } from './ingest.service.ts';

const FieldProblem = Type.Object({ field: Type.String(), message: Type.String() });
const LineReport = Type.Object({
  lineNumber: Type.Integer(),
  outcome: Type.String(),
  recordKind: Type.Union([Type.String(), Type.Null()]),
  sourceRecordId: Type.Union([Type.String(), Type.Null()]),
  recordId: Type.Union([Type.String(), Type.Null()]),
  problems: Type.Array(FieldProblem),
});
const BatchReport = Type.Object({
  batchId: Type.String(),
  organisation: Type.String(),
  sourceSystem: Type.String(),
  submittedBy: Type.String(),
  receivedAt: Type.String(),
  completedAt: Type.Union([Type.String(), Type.Null()]),
  lineCount: Type.Integer(),
  createdCount: Type.Integer(),
  updatedCount: Type.Integer(),
  unchangedCount: Type.Integer(),
  rejectedCount: Type.Integer(),
});
const SourceSystemQuery = Type.Object(
  {
    sourceSystem: Type.String({
      pattern: '^[A-Z0-9][A-Z0-9_-]{1,39}$',
      description: 'The pushing system, for example `MPS-CUSTODY`',
    }),
  },
  { additionalProperties: false },
);
const outcomes = ['CREATED', 'UPDATED', 'UNCHANGED', 'REJECTED'] as const;

/** What the ingest routes use: the ingest service, and the body limit for a batch. */
export interface IngestRouteServices {
  ingest: Pick<IngestService, 'pushBatch' | 'ingestRecord' | 'listBatches' | 'getBatch' | 'batchLines'>;
  config: Pick<Config, 'ingestBodyLimitBytes'>;
}

type IngestApp = Parameters<FastifyPluginAsyncTypebox>[0];

/** Inbound feeds: NDJSON batches and single records from force and agency systems. */
export const ingestRoutes: FastifyPluginAsyncTypebox<{ services: IngestRouteServices }> = async (app, { services }) => {
  acceptNdjson(app, services);
  registerPushBatchRoute(app, services);
  registerPushRecordRoute(app, services);
  registerBatchesRoute(app, services);
  registerBatchRoute(app, services);
  registerBatchLinesRoute(app, services);
};

/** The NDJSON content type, up to the configured body limit: the body is handed on as its stream. */
function acceptNdjson(app: IngestApp, services: IngestRouteServices) {
  // NDJSON arrives as a stream and is read line by line, so a large batch is never held twice in memory.
  app.addContentTypeParser(
    'application/x-ndjson',
    { bodyLimit: services.config.ingestBodyLimitBytes },
    (_request, payload, done) => {
      done(null, payload);
    },
  );
}

/** Push a batch of records as NDJSON. */
function registerPushBatchRoute(app: IngestApp, services: IngestRouteServices) {
  app.post(
    '/ingest-batches',
    {
      bodyLimit: services.config.ingestBodyLimitBytes,
      schema: {
        tags: ['ingest'],
        summary: 'Push a batch of records, one JSON record per line (application/x-ndjson)',
        description:
          'Idempotent by (source system, source record id). Bad lines are rejected with line, field and reason; good lines are stored.',
        querystring: SourceSystemQuery,
        response: {
          201: Type.Object({ batch: BatchReport, rejectedLines: Type.Array(LineReport) }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      if (!request.headers['content-type']?.startsWith('application/x-ndjson')) {
        throw new LedsError(
          'REQUEST_UNSUPPORTED_MEDIA_TYPE',
          'send the batch as application/x-ndjson, one record per line',
        );
      }
      const lines = createInterface({ input: request.body as Readable, crlfDelay: Number.POSITIVE_INFINITY });
      return reply
        .status(201)
        .send(await services.ingest.pushBatch(contextOf(request), request.query.sourceSystem, lines));
    },
  );
}

/** Push one record. */
function registerPushRecordRoute(app: IngestApp, services: IngestRouteServices) {
  app.post(
    '/records',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Push one record (the same shapes as an NDJSON line)',
        querystring: SourceSystemQuery,
        body: Type.Object({ kind: Type.String() }),
        response: {
          200: Type.Object({ batch: BatchReport, line: LineReport }),
          201: Type.Object({ batch: BatchReport, line: LineReport }),
          422: ProblemSchema,
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await services.ingest.ingestRecord(contextOf(request), request.query.sourceSystem, request.body);
      const status = result.line.outcome === 'REJECTED' ? 422 : result.line.outcome === 'CREATED' ? 201 : 200;
      if (status === 422) {
        return reply
          .status(422)
          .type('application/problem+json')
          .send({
            type: 'urn:leds:problem:INGEST_RECORD_REJECTED',
            title: 'The record was rejected',
            status: 422,
            code: 'INGEST_RECORD_REJECTED',
            detail: result.line.problems.map((p) => `${p.field} ${p.message}`).join('; '),
            instance: `urn:leds:correlation:${request.id}`,
            errors: result.line.problems.map((p) => ({
              field: `/body${p.field === '/' ? '' : p.field}`,
              message: p.message,
            })),
          });
      }
      return reply.status(status).send(result);
    },
  );
}

/** The caller's organisation's recent batches. */
function registerBatchesRoute(app: IngestApp, services: IngestRouteServices) {
  app.get(
    '/ingest-batches',
    {
      schema: {
        tags: ['ingest'],
        summary: "Your organisation's recent batches",
        response: { 200: Type.Object({ batches: Type.Array(BatchReport) }), ...problemResponses },
      },
    },
    async (request) => ({ batches: await services.ingest.listBatches(contextOf(request)) }),
  );
}

/** A batch report. */
function registerBatchRoute(app: IngestApp, services: IngestRouteServices) {
  app.get(
    '/ingest-batches/:batchId',
    {
      schema: {
        tags: ['ingest'],
        summary: 'A batch report',
        params: Type.Object({ batchId: Type.String({ maxLength: 64 }) }),
        response: { 200: BatchReport, ...problemResponses },
      },
    },
    async (request) => services.ingest.getBatch(contextOf(request), request.params.batchId),
  );
}

/** The lines of a batch report. */
function registerBatchLinesRoute(app: IngestApp, services: IngestRouteServices) {
  app.get(
    '/ingest-batches/:batchId/lines',
    {
      schema: {
        tags: ['ingest'],
        summary: 'The lines of a batch report, in order, optionally only one outcome',
        params: Type.Object({ batchId: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(
          {
            outcome: Type.Optional(Type.Union(outcomes.map((o) => Type.Literal(o)))),
            offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
            limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ lines: Type.Array(LineReport) }), ...problemResponses },
      },
    },
    async (request) => ({
      lines: await services.ingest.batchLines(contextOf(request), request.params.batchId, {
        outcome: request.query.outcome,
        offset: Number(request.query.offset ?? 0),
        limit: Number(request.query.limit ?? 100),
      }),
    }),
  );
}
