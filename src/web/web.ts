import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import mojFilters from '@ministryofjustice/frontend/moj/filters/all.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import { toProblem } from '../api/problem.ts';
import type { Services } from '../composition.ts';
import { accessPages } from '../modules/access/access.pages.ts';
import { accessApplicationPages } from '../modules/access/access-applications.pages.ts';
import { credentialPages } from '../modules/access/credentials.pages.ts';
import { auditPages } from '../modules/audit/audit.pages.ts';
import { ingestPages } from '../modules/integration/ingest.pages.ts';
import { heldRecordsPages } from '../modules/records/held-records.pages.ts';
import { formatAsn } from '../modules/records/identifiers.ts';
import { recordsPages } from '../modules/records/records.pages.ts';
import { retentionPages } from '../modules/retention/retention.pages.ts';
import { formatDate, formatDateTime } from './format.ts';

declare module 'fastify' {
  interface FastifyInstance {
    renderErrorPage(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply;
  }
  interface FastifyReply {
    /** What @fastify/view adds to every template's data (it makes the object empty on each request). */
    locals: Record<string, unknown> | null;
  }
}

const root = path.resolve(import.meta.dirname, '..', '..');
const govukDist = path.join(root, 'node_modules', 'govuk-frontend', 'dist');
const mojRoot = path.join(root, 'node_modules', '@ministryofjustice', 'frontend');

/** Server-rendered pages with GOV.UK Frontend and MoJ Frontend; every page works without JavaScript. */
export async function registerWeb(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyCookie, { secret: services.config.sessionSecret });
  await app.register(fastifyStatic, {
    root: path.join(govukDist, 'govuk', 'assets'),
    prefix: '/assets/',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: path.join(govukDist, 'govuk'),
    prefix: '/static/govuk/',
    decorateReply: false,
    index: false,
    allowedPath: (pathName) => /^\/govuk-frontend\.min\.(css|js)$/.test(pathName),
  });
  await app.register(fastifyStatic, {
    root: path.join(mojRoot, 'moj'),
    prefix: '/static/moj/',
    decorateReply: false,
    index: false,
    allowedPath: (pathName) => /^\/moj-frontend\.min\.(css|js)$/.test(pathName),
  });
  await app.register(fastifyStatic, {
    root: path.join(import.meta.dirname, 'static'),
    prefix: '/static/leds/',
    decorateReply: false,
    index: false,
  });
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: [path.join(import.meta.dirname, 'views'), govukDist, mojRoot],
    options: {
      onConfigure: (env: nunjucks.Environment) => {
        for (const [name, filter] of Object.entries(mojFilters()))
          if (name.startsWith('moj')) env.addFilter(name, filter);
        env.addGlobal('serviceName', 'Law Enforcement Data Service');
        env.addGlobal('demo', services.config.demo);
        env.addFilter('date', formatDate);
        env.addFilter('dateTime', formatDateTime);
        env.addFilter('asn', (value: string) => formatAsn(value));
        env.addFilter('humanise', (value: string | null) =>
          value ? value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ') : '',
        );
      },
    },
  });

  // Every page's inline scripts carry the request's CSP nonce (helmet made it in an earlier onRequest hook).
  app.addHook('onRequest', async (_request, reply) => {
    reply.locals = { ...reply.locals, cspNonce: reply.cspNonce?.script };
  });

  app.decorate('renderErrorPage', (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    const problem = toProblem(error, request.id);
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'page failed');
    // The rate limiter has said how long to wait; the page says it in minutes.
    const retryAfterSeconds = Number(reply.getHeader('retry-after'));
    return reply.status(problem.status).view('pages/error.njk', {
      problem,
      retryAfterMinutes: Number.isFinite(retryAfterSeconds)
        ? Math.max(1, Math.ceil(retryAfterSeconds / 60))
        : undefined,
      // Named here because an error thrown by an earlier onRequest hook (a refused cross-origin post, a rate
      // limit) comes before the hook above that sets it for every other page.
      cspNonce: reply.cspNonce?.script,
    });
  });

  await app.register(accessPages, { services });
  await app.register(accessApplicationPages, { services });
  await app.register(credentialPages, { services });
  await app.register(recordsPages, { services });
  await app.register(ingestPages, { services });
  await app.register(heldRecordsPages, { services });
  await app.register(auditPages, { services });
  await app.register(retentionPages, { services });
}
