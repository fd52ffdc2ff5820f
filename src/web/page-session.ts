import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import { type AccessService, type SignedInUser, userContext } from '../modules/access/index.ts';
import type { RequestContext } from '../platform/request-context.ts';
import { storableText } from '../platform/storable-input.ts';

export const sessionCookie = 'leds_session';

/** What a page needs to find its signed-in user: the session behind the cookie. */
export interface PageSessionServices {
  access: Pick<AccessService, 'resumeSession'>;
}

/** What the identity bar of a signed-in page needs besides the session: the purposes' names. */
export interface PageLocalsServices {
  config: Pick<Config, 'purposes'>;
}

declare module 'fastify' {
  interface FastifyRequest {
    pageUser?: SignedInUser & { token: string };
  }
}

/** The signed-in user behind the session cookie, if any. */
export async function resumePageSession(
  services: PageSessionServices,
  request: FastifyRequest,
): Promise<(SignedInUser & { token: string }) | undefined> {
  const raw = request.cookies[sessionCookie];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const user = await services.access.resumeSession(unsigned.value);
  return user ? { ...user, token: unsigned.value } : undefined;
}

/**
 * A path on this site to go back to after sign-in or purpose declaration; anything else goes home.
 * INVARIANT: what this returns is visible ASCII with no backslash, so it is always a valid Location header (a
 * character outside it makes Node refuse the header and the whole answer fail) and never leaves this site.
 */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : '/people/search';
}

/**
 * A path on this site with each value put in as one percent-encoded path segment, for a redirect: a value from the
 * address or a form (`/retention/people/${id}`) may hold any character, and a Location header only visible ASCII.
 */
export function pagePath(parts: TemplateStringsArray, ...values: string[]): string {
  return parts
    .slice(1)
    .reduce((path, part, i) => `${path}${encodeURIComponent(storableText(values[i] ?? ''))}${part}`, parts[0] ?? '');
}

/**
 * Guards a page: the user must be signed in and, for pages that show a person, must have declared a purpose.
 * The services check again; this only sends the user to the right form first.
 */
export function requireSignedIn(services: PageSessionServices, options: { purpose: boolean }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await resumePageSession(services, request);
    if (!user) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
    request.pageUser = user;
    if (options.purpose && !user.purpose) return reply.redirect(`/purpose?next=${encodeURIComponent(request.url)}`);
  };
}

/** The signed-in session of a page behind requireSignedIn. */
export function signedInSession(request: FastifyRequest): SignedInUser & { token: string } {
  if (!request.pageUser) throw new Error('signedInSession needs requireSignedIn before it');
  return request.pageUser;
}

export function pageContext(request: FastifyRequest): RequestContext {
  const user = request.pageUser;
  if (!user) throw new Error('pageContext needs requireSignedIn before it');
  return userContext(user, user, request.id);
}

/** What every signed-in page shows in its identity bar. */
export function pageLocals(services: PageLocalsServices, request: FastifyRequest) {
  const user = request.pageUser;
  const purpose = services.config.purposes.find((p) => p.code === user?.purpose);
  return {
    signedIn: user
      ? { displayName: user.user.displayName, organisation: user.organisation.name, roles: user.user.roles }
      : undefined,
    declaredPurpose: purpose ? { name: purpose.name, caseReference: user?.caseReference } : undefined,
    currentUrl: request.url,
  };
}
