import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import mojFilters from '@ministryofjustice/frontend/moj/filters/all.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import { toProblem } from '../api/problem.ts';
import type { Config } from '../config/config.ts';
import { formatAsn } from '../modules/records/index.ts';
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

/**
 * The shell every server-rendered page lives in (GOV.UK Frontend and MoJ Frontend; every page works without
 * JavaScript): forms, the signed session cookie, the assets, the Nunjucks environment and the error page. The
 * modules' pages are registered on it by the composition root (app.ts).
 */
export async function registerWeb(app: FastifyInstance, config: Pick<Config, 'sessionSecret' | 'demo'>): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await registerAssets(app);
  await registerTemplates(app, config);

  // Every page's inline scripts carry the request's CSP nonce (helmet made it in an earlier onRequest hook).
  app.addHook('onRequest', async (_request, reply) => {
    reply.locals = { ...reply.locals, cspNonce: reply.cspNonce?.script };
  });
  app.decorate('renderErrorPage', renderErrorPage);
}

/** GOV.UK Frontend's and MoJ Frontend's assets, and LEDS's own. */
async function registerAssets(app: FastifyInstance): Promise<void> {
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
}

/** The Nunjucks environment of every page: the layouts and components, the filters and the globals. */
async function registerTemplates(app: FastifyInstance, config: Pick<Config, 'demo'>): Promise<void> {
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: [path.join(import.meta.dirname, 'views'), govukDist, mojRoot],
    options: {
      onConfigure: (env: nunjucks.Environment) => {
        for (const [name, filter] of Object.entries(mojFilters()))
          if (name.startsWith('moj')) env.addFilter(name, filter);
        env.addGlobal('serviceName', 'Law Enforcement Data Service');
        env.addGlobal('demo', config.demo);
        env.addFilter('date', formatDate);
        env.addFilter('dateTime', formatDateTime);
        env.addFilter('asn', (value: string) => formatAsn(value));
        env.addFilter('humanise', (value: string | null) =>
          value ? value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ') : '',
        );
      },
    },
  });
}

/** The error page of a failed page request; a 5xx is logged with its error, which the page never shows. */
function renderErrorPage(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const problem = toProblem(error, request.id);
  if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'page failed');
  // The rate limiter has said how long to wait; the page says it in minutes.
  const retryAfterSeconds = Number(reply.getHeader('retry-after'));
  return reply.status(problem.status).view('pages/error.njk', {
    problem,
    retryAfterMinutes: Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds / 60)) : undefined,
    // Named here because an error thrown by an earlier onRequest hook (a refused cross-origin post, a rate
    // limit) comes before the onRequest hook that sets it for every other page.
    cspNonce: reply.cspNonce?.script,
  });
}
