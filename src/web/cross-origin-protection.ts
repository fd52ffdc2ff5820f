import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { LedsError } from '../platform/errors.ts';

/**
 * Cross-site request forgery protection for the pages, by Fetch Metadata and `Origin`: the algorithm of Go 1.25's
 * `net/http.CrossOriginProtection`, on top of the session cookie's SameSite=Strict.
 *
 * Why not a token: every form would need a hidden field, and the check below needs none. Browsers since 2023 say
 * where a request comes from in `Sec-Fetch-Site`, which a page cannot forge; older ones send `Origin`. A request
 * with neither comes from something that is not a browser (a script, curl), which holds no one's session cookie, so it
 * cannot be a forgery. Why not a package: none on npm does this check for Fastify (`@fastify/csrf-protection` is
 * token-based; `fetch-metadata` is Connect middleware that lets `same-site` through and has no `Origin` fallback).
 *
 * SameSite=Strict alone is not enough: another port or subdomain of the same site (`same-site`) still gets the
 * cookie, and so does a page on an origin that shares LEDS's registrable domain.
 */

/** What the check reads from a request; a FastifyRequest has all of it. */
export interface CrossOriginRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The protocol and host as Fastify sees them: behind a trusted proxy, those the client used. */
  protocol: string;
  host: string;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(', ') : value;

/** This server's origin as a browser would write it in `Origin` (default port left out, host lowercased). */
function ownOrigin(request: CrossOriginRequest): string | undefined {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * Why a request is refused as cross-origin, or undefined when it may go on.
 * `trustedOrigins` are origins besides this server's own whose pages may post to it.
 */
export function crossOriginRefusal(
  request: CrossOriginRequest,
  trustedOrigins: ReadonlySet<string>,
): string | undefined {
  // Safe methods change nothing (an invariant of every page route), so they are always allowed.
  if (safeMethods.has(request.method.toUpperCase())) return undefined;
  const origin = single(request.headers.origin);
  const trusted = origin !== undefined && trustedOrigins.has(origin);
  const site = single(request.headers['sec-fetch-site']);
  if (site !== undefined && site !== '') {
    // The browser says where the request comes from: only this origin, or the user typing or bookmarking, pass.
    if (site === 'same-origin' || site === 'none' || trusted) return undefined;
    return `the browser sent the form from another site (sec-fetch-site \`${site}\`)`;
  }
  // No Sec-Fetch-Site and no Origin: not a browser, or a same-origin request of a browser that sends neither.
  if (origin === undefined || origin === '') return undefined;
  // An older browser: Origin must be this server (scheme, host and port) or a trusted origin. `null` never is.
  if (origin === ownOrigin(request) || trusted) return undefined;
  return `the form was sent from another origin (origin \`${origin}\`)`;
}

/** Page routes are every route outside the JSON API and the health checks (the same split as the error handler). */
const isPageRoute = (url: string) => !url.startsWith('/api/') && !url.startsWith('/health');

/**
 * An onRequest hook that refuses a cross-origin state-changing request to any page route with 403
 * `REQUEST_CROSS_SITE`. The JSON API is left alone: it authenticates with API keys and bearer tokens, which a browser
 * does not attach by itself, so a forged request carries no authority there.
 */
export function refuseCrossOriginRequests(trustedOrigins: readonly string[]): onRequestHookHandler {
  const trusted = new Set(trustedOrigins);
  return async (request: FastifyRequest) => {
    if (!isPageRoute(request.url)) return;
    const refusal = crossOriginRefusal(request, trusted);
    if (refusal) {
      request.log.warn({ method: request.method, url: request.routeOptions.url }, 'cross-origin request refused');
      throw new LedsError('REQUEST_CROSS_SITE', refusal);
    }
  };
}
