import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import { LedsError } from '../platform/errors.ts';
import { refuseCrossOriginRequests } from './cross-origin-protection.ts';

type RateLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Route onRequest hooks that count attempts per client address; each is one counter shared by its routes. */
    rateLimits: { signIn: RateLimitHook; publicForm: RateLimitHook };
  }
}

/** Static assets carry no person data and may be cached; everything else may not. */
const isStaticAsset = (url: string) => url.startsWith('/assets/') || url.startsWith('/static/');

/**
 * The Content-Security-Policy of every answer. Scripts and styles come from this origin only, plus the one inline
 * script of GOV.UK's template and our module script, each carrying the request's nonce (helmet adds
 * `'nonce-…'` to script-src and style-src). No `'unsafe-inline'`: the templates have no style attributes.
 */
export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/**
 * The CSP of the Swagger UI at /api/docs, made from the one above: Swagger UI adds `<style>` elements and `data:`
 * icons at run time, so there styles may be inline (a nonce would switch `'unsafe-inline'` off, so it goes) and
 * images may be `data:`. Scripts stay `'self'` only; the docs pages show the OpenAPI document, never person data.
 */
export function swaggerUiContentSecurityPolicy(header: string): string {
  return header
    .split(';')
    .map((directive) => {
      const name = directive.trim().split(/\s+/)[0];
      if (name === 'style-src') return "style-src 'self' 'unsafe-inline'";
      if (name === 'img-src') return "img-src 'self' data:";
      return directive.trim();
    })
    .join(';');
}

/**
 * Web security as the ecosystem's middleware, on every route (call before any route is registered): helmet's
 * headers with a nonce-based CSP, `Cache-Control: no-store` on all but static assets, cross-origin refusal for the
 * pages, and the rate limiters that sign-in and the public forms use.
 */
export async function registerWebSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    enableCSPNonces: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    // SECURITY: no framing at all (also said by frame-ancestors), and no URL (search terms, ids) sent onwards.
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });

  // SECURITY: pages and API answers carry person data; neither the browser nor a shared cache may keep them.
  // onSend runs for every answer, errors and 404s included, after any header a route set.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isStaticAsset(request.url)) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addHook('onRequest', refuseCrossOriginRequests(config.trustedOrigins));

  // Only the routes that ask for a limiter are limited (global: false); the key is the client address, which
  // behind a trusted proxy (LEDS_TRUST_PROXY) is the address the proxy saw.
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new LedsError('REQUEST_RATE_LIMITED', `too many attempts from this address; try again in ${context.after}`),
  });
  const timeWindow = config.rateLimit.windowMinutes * 60_000;
  app.decorate('rateLimits', {
    signIn: app.rateLimit({ max: config.rateLimit.signInPerWindow, timeWindow }) as RateLimitHook,
    publicForm: app.rateLimit({ max: config.rateLimit.publicFormPerWindow, timeWindow }) as RateLimitHook,
  });
}
