import type { FastifyPluginAsync } from 'fastify';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageLocals } from '../../web/page-session.ts';
import type { AuditService } from './audit.service.ts';

/** What the public audit page uses: the log's checkpoint and figures, and what the identity bar asks for. */
export type PublicAuditPageServices = {
  audit: Pick<AuditService, 'latestCosignedCheckpoint' | 'witnessKeys' | 'verifierKey' | 'origin' | 'monthlyFigures'>;
} & Parameters<typeof pageLocals>[0];

/**
 * The public audit page. No sign-in, no JavaScript: aggregates and the signed checkpoint only, never rows. The
 * auditor console is modules/oversight/oversight.pages.ts.
 */
export const auditPages: FastifyPluginAsync<{ services: PublicAuditPageServices }> = async (app, { services }) => {
  const { audit } = services;
  app.get('/transparency/audit', { schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const checkpoint = await audit.latestCosignedCheckpoint();
    return reply.view('pages/transparency-audit.njk', {
      ...pageLocals(services, request),
      checkpoint,
      verifierKey: audit.verifierKey,
      witnesses: audit.witnessKeys,
      origin: audit.origin,
      figures: await audit.monthlyFigures(),
    });
  });
};
