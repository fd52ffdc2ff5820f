import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../composition.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, requireSignedIn } from '../../web/page-session.ts';
import type { LineOutcome } from './ingest.service.ts';

const pageSize = 100;

/** Ingest batch reports: what each push stored and what it rejected, line by line. */
export const ingestPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { ingest } = services;
  const guard = { preHandler: requireSignedIn(services, { purpose: false }) };

  app.get('/ingest-batches', { ...guard, schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const batches = await ingest.listBatches(pageContext(request));
    return reply.view('pages/ingest-batches.njk', { ...pageLocals(services, request), batches });
  });

  app.get(
    '/ingest-batches/:batchId',
    { ...guard, schema: pageSchema({ query: { text: ['outcome'], patterns: { page: '^[1-9][0-9]{0,8}$' } } }) },
    async (request, reply) => {
      const { batchId } = request.params as { batchId: string };
      const query = request.query as { outcome?: string; page?: string };
      const outcome = query.outcome === 'REJECTED' ? ('REJECTED' as LineOutcome) : undefined;
      const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
      const ctx = pageContext(request);
      const batch = await ingest.getBatch(ctx, batchId);
      const lines = await ingest.batchLines(ctx, batchId, {
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
};
