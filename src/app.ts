import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { sendProblem, toProblem } from './api/problem.ts';
import { authenticateApiCaller } from './api/request-context.ts';
import { frameworkProblem, isApiRequest, refuseUnstorableInput } from './api/request-input.ts';
import type { Services } from './composition.ts';
import { type Config, requireWebSecrets } from './config/config.ts';
import { accessPages, type SignInPersona } from './modules/access/access.pages.ts';
import { accessRegisterRoutes } from './modules/access/access.routes.ts';
import { accessApplicationPages } from './modules/access/access-applications.pages.ts';
import { accessApplicationRoutes } from './modules/access/access-applications.routes.ts';
import { credentialPages } from './modules/access/credentials.pages.ts';
import { auditPages } from './modules/audit/audit.pages.ts';
import { publicAuditRoutes } from './modules/audit/audit.routes.ts';
import { ingestPages } from './modules/integration/ingest.pages.ts';
import { ingestRoutes } from './modules/integration/ingest.routes.ts';
import { oversightPages } from './modules/oversight/oversight.pages.ts';
import { auditorRoutes } from './modules/oversight/oversight.routes.ts';
import { heldRecordsPages } from './modules/records/held-records.pages.ts';
import { heldRecordsRoutes } from './modules/records/held-records.routes.ts';
import { recordsPages } from './modules/records/records.pages.ts';
import { recordsRoutes } from './modules/records/records.routes.ts';
import { retentionPages } from './modules/retention/retention.pages.ts';
import { publicRetentionRoutes, retentionRoutes } from './modules/retention/retention.routes.ts';
import { ledsDateFormats } from './platform/date-formats.ts';
import { type ErrorCode, errorCatalogue } from './platform/errors.ts';
import { registerWeb } from './web/web.ts';
import { registerWebSecurity, swaggerUiContentSecurityPolicy } from './web/web-security.ts';

const correlationIdPattern = /^[A-Za-z0-9._-]{8,100}$/;

/** A route as registered: its method, its URL pattern and its schema (JSON Schema parts, by request part). */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema?: { querystring?: unknown; params?: unknown; body?: unknown; headers?: unknown; hide?: boolean };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app with its schema, in the order registered. */
    routeTable: readonly RegisteredRoute[];
  }
}

/**
 * The headers of an answer Fastify (or Node's HTTP parser) gives before any hook has run, so helmet's and the
 * no-store hook's are not there: the same rules, said by hand for these few answers.
 */
const frameworkSecurityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
} as const;

function frameworkHeaders(reply: FastifyReply) {
  reply.headers(frameworkSecurityHeaders);
}

/** What the HTTP parser refuses (headers too large, a timeout, a malformed request), as a problem document. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'REQUEST_HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'REQUEST_INVALID';
  const { status, title } = errorCatalogue[code];
  const body = JSON.stringify({
    type: `urn:leds:problem:${code}`,
    title,
    status,
    code,
    detail: title.toLowerCase(),
    instance: `urn:leds:correlation:${randomUUID()}`,
  });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        Object.entries(frameworkSecurityHeaders)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('') +
        `Connection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

/** How a page-side error is answered; replaced by the page renderer once the page shell is registered. */
type RenderPage = (request: FastifyRequest, reply: FastifyReply, problem: unknown) => void;

/** Builds the LEDS HTTP application. It never listens: the CLI does, and tests call inject. */
export async function buildApp(services: Services, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const { config } = services;
  requireWebSecrets(config);
  // The page layer decorates the app later; a framework error before any route uses it through this.
  const pages: { render: RenderPage } = { render: (request, reply, problem) => sendProblem(reply, request, problem) };
  const app = createFastify(services, options, (request, reply, problem) => pages.render(request, reply, problem));
  recordRouteTable(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  // Before any route, so every route gets the headers, the no-store rule and the cross-origin check.
  await registerWebSecurity(app, config);
  await registerApiDocs(app);
  // SECURITY: before any schema or handler, refuse what cannot be stored or would overflow the stack (item 8).
  app.addHook('preValidation', refuseUnstorableInput(config.maxJsonNesting));
  registerErrorAnswers(app);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerHealthChecks(app, services);
  await registerApiRoutes(app, services);
  await registerWeb(app, config);
  await registerModulePages(app, services);
  pages.render = (request, reply, problem) => {
    // No route (and so no reply decorator) exists yet for such a request: the instance renders the page itself.
    const shown = toProblem(problem, request.id);
    app.view('pages/error.njk', { problem: shown }).then(
      (html) => reply.status(shown.status).type('text/html; charset=utf-8').send(html),
      () => sendProblem(reply, request, problem),
    );
  };
  return app;
}

/** The Fastify instance: its logger, limits, proxies, correlation ids, framework errors and schema rules. */
function createFastify(services: Services, options: { logger?: boolean }, renderPage: RenderPage) {
  const { config } = services;
  const { trustProxy } = config;
  return Fastify({
    // SECURITY: the process's redacted logger (platform/logger.ts): no query string, no record value, no secret.
    ...(options.logger === false ? { logger: false } : { loggerInstance: services.logger as FastifyBaseLogger }),
    bodyLimit: config.bodyLimitBytes,
    // SECURITY: X-Forwarded-For and X-Forwarded-Proto are believed only from the configured proxies, so a client cannot
    // claim another address (rate limits) or TLS (Secure cookies, the cross-origin check) by sending them itself.
    // A hop count trusts the nearest hops whatever their address (Fastify 5.12 no longer does this for a number, so
    // it is said as proxy-addr's function): only for a LEDS that nothing reaches except through those proxies.
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    // A force system may send its own correlation id; otherwise LEDS makes one. Either way it goes in every log line.
    genReqId: (request) => {
      const given = request.headers['x-correlation-id'];
      return typeof given === 'string' && correlationIdPattern.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Errors Fastify raises before any route or hook (a broken % escape, an over-long path parameter) and errors
    // of the HTTP parser itself (headers too large, a malformed request) answer from the catalogue too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
      frameworkHeaders(reply);
      const problem = frameworkProblem(error);
      if (isApiRequest(request.url)) sendProblem(reply, request, problem);
      else renderPage(request, reply, problem);
    },
    clientErrorHandler: answerClientError,
    ajv: {
      // SECURITY: unknown fields and wrong types are errors, never silently dropped or coerced.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false },
      // Fastify's Ajv compiler adds ajv-formats itself; LEDS's dates replace its `date` and `date-time` after it.
      onCreate: ledsDateFormats,
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/**
 * Every route with its schema, as registered: the audit walk and the fuzz tests read it, so a new route is in
 * them the day it is added (test/audited-reads.test.ts, test/fuzz.test.ts).
 */
function recordRouteTable(app: FastifyInstance): void {
  const routeTable: RegisteredRoute[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routeTable.push({ method: String(method), url: route.url, schema: route.schema as RegisteredRoute['schema'] });
  });
}

/** The OpenAPI document of every route (served at /api/openapi.json) and its Swagger UI. */
async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'LEDS: Law Enforcement Data Service',
        version: '1',
        description:
          'Person records for police forces and law-enforcement agencies. Every read of a person needs a declared purpose ' +
          '(`X-LEDS-Purpose`). Errors are `application/problem+json` with a stable `code` (docs/errors.md).',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    transformStaticCSP: swaggerUiContentSecurityPolicy,
  });
}

/** An error or an unknown address answers as a problem document on the API and as the error page elsewhere. */
function registerErrorAnswers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (isApiRequest(request.url)) return sendProblem(reply, request, error);
    return app.renderErrorPage(request, reply, error);
  });
  app.setNotFoundHandler((request, reply) => {
    if (isApiRequest(request.url)) {
      return sendProblem(reply, request, Object.assign(new Error('not found'), { statusCode: 404 }));
    }
    return app.renderErrorPage(request, reply, Object.assign(new Error('not found'), { statusCode: 404 }));
  });
}

function registerHealthChecks(app: FastifyInstance, services: Services): void {
  app.get('/health/live', { schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/health/ready',
    { schema: { tags: ['health'], summary: 'The database answers' } },
    async (request, reply) => {
      try {
        await services.database.db.execute(sql`select 1`);
        // SECURITY: public, so it says ready and nothing about how the server is built. A log that failed its
        // check before signing still serves (reads stay audited); that it is failing is public, as the signed
        // checkpoints are, and the details are for the server log and the auditor console.
        const checkpoints = services.audit.checkpointStatus;
        return {
          status: 'ready',
          auditCheckpoints: checkpoints?.refused
            ? 'failing: the audit log failed its check and no new checkpoint is signed'
            : checkpoints && !checkpoints.witnessed
              ? 'signed, not yet cosigned by the quorum of witnesses'
              : 'signed',
        };
      } catch (error) {
        request.log.error({ err: error }, 'readiness check failed');
        return reply
          .status(503)
          .type('application/problem+json')
          .send({
            type: 'urn:leds:problem:STORAGE_UNAVAILABLE',
            title: 'The database is not available',
            status: 503,
            code: 'STORAGE_UNAVAILABLE',
            detail: 'the database did not answer',
            instance: `urn:leds:correlation:${request.id}`,
          });
      }
    },
  );
}

/** The modules' JSON API: the public routes, then those behind an API key or bearer token. */
async function registerApiRoutes(app: FastifyInstance, services: Services): Promise<void> {
  // Public: the access register needs no sign-in.
  await app.register(accessRegisterRoutes, { services, prefix: '/api/v1' });
  await app.register(publicAuditRoutes, { services, prefix: '/api/v1' });
  await app.register(publicRetentionRoutes, { services, prefix: '/api/v1' });
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticateApiCaller(services));
      await api.register(recordsRoutes, { services });
      await api.register(heldRecordsRoutes, { services });
      await api.register(ingestRoutes, { services });
      await api.register(accessApplicationRoutes, { services });
      await api.register(auditorRoutes, { services });
      await api.register(retentionRoutes, { services });
    },
    { prefix: '/api/v1' },
  );
}

/** The personas the sign-in page offers in demo mode, each with its organisation's name; none outside it. */
async function signInPersonas(config: Pick<Config, 'demo'>): Promise<SignInPersona[] | undefined> {
  if (!config.demo) return undefined;
  // Demo code loads in demo mode only (test/architecture.rules.ts).
  const { demoOrganisations, demoPersonas } = await import('./demo/demo-personas.ts');
  return demoPersonas.map((p) => ({
    ...p,
    organisation: demoOrganisations.find((o) => o.code === p.organisationCode)?.name,
  }));
}

/** The modules' pages, on the page shell (web/web.ts). */
async function registerModulePages(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(accessPages, { services, personas: await signInPersonas(services.config) });
  await app.register(accessApplicationPages, { services });
  await app.register(credentialPages, { services });
  await app.register(recordsPages, { services });
  await app.register(ingestPages, { services });
  await app.register(heldRecordsPages, { services });
  await app.register(auditPages, { services });
  // The auditor console (modules/oversight).
  await app.register(oversightPages, { services });
  await app.register(retentionPages, { services });
}
