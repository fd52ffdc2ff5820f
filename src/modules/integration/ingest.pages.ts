import type { FastifyInstance, FastifyPluginAsync, RouteShorthandOptions } from 'fastify';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, requireSignedIn } from '../../web/page-session.ts';
import type { IngestService, LineOutcome } from './ingest.service.ts';

const pageSize = 100;

/** What the ingest pages use: the page session's services, and the ingest service's batch reports. */
export type IngestPageServices = Parameters<typeof requireSignedIn>[0] &
  Parameters<typeof pageLocals>[0] & { ingest: Pick<IngestService, 'listBatches' | 'getBatch' | 'batchLines'> };

/** Ingest batch reports: what each push stored and what it rejected, line by line. */
export const ingestPages: FastifyPluginAsync<{ services: IngestPageServices }> = async (app, { services }) => {
  const guard = { preHandler: requireSignedIn(services, { purpose: false }) };
  registerBatchesPage(app, services, guard);
  registerBatchPage(app, services, guard);
};

/** The caller's organisation's recent batches. */
function registerBatchesPage(app: FastifyInstance, services: IngestPageServices, guard: RouteShorthandOptions) {
  app.get('/ingest-batches', { ...guard, schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const batches = await services.ingest.listBatches(pageContext(request));
    return reply.view('pages/ingest-batches.njk', { ...pageLocals(services, request), batches });
  });
}

/** One batch report, its lines a page at a time, optionally only the rejected ones. */
function registerBatchPage(app: FastifyInstance, services: IngestPageServices, guard: RouteShorthandOptions) {
  app.get(
    '/ingest-batches/:batchId',
    { ...guard, schema: pageSchema({ query: { text: ['outcome'], patterns: { page: '^[1-9][0-9]{0,8}$' } } }) },
    async (request, reply) => {
      const { batchId } = request.params as { batchId: string };
      const query = request.query as { outcome?: string; page?: string };
      const outcome = query.outcome === 'REJECTED' ? ('REJECTED' as LineOutcome) : undefined;
      const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
      const ctx = pageContext(request);
      const batch = await services.ingest.getBatch(ctx, batchId);
      const lines = await services.ingest.batchLines(ctx, batchId, {
        outcome,
        offset: (page - 1) * pageSize,
        limit: pageSize + 1,
      });
      const link = (p: number) => `?${new URLSearchParams({ ...(outcome ? { outcome } : {}), page: String(p) })}`;
      return reply.view('pages/ingest-batch.njk', {
        ...pageLocals(services, request),
        batch,
        lines: lines.slice(0, pageSize),
        previousHref: page > 1 ? link(page - 1) : undefined,
        nextHref: lines.length > pageSize ? link(page + 1) : undefined,
      });
    },
  );
}
