import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config } from '../../config/config.ts';
import { isLedsError } from '../../platform/errors.ts';
import { caseReferenceRule, isCaseReference } from '../../platform/request-context.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import {
  pageLocals,
  requireSignedIn,
  resumePageSession,
  safeNext,
  sessionCookie,
  signedInSession,
} from '../../web/page-session.ts';
import type { AccessService } from './access.service.ts';
import type { AgreementsService } from './agreements.service.ts';

type Form = Record<string, string | undefined>;

/** What the sign-in, purpose and access register pages use. */
export interface AccessPageServices {
  access: Pick<
    AccessService,
    'startSession' | 'signIn' | 'findUser' | 'endSession' | 'declarePurpose' | 'resumeSession'
  >;
  agreements: Pick<AgreementsService, 'accessRegister'>;
  config: Pick<Config, 'sessionHours' | 'purposes' | 'datasets'>;
}

/** A demo persona the sign-in page offers; the composition root passes them in demo mode only. */
export interface SignInPersona {
  username: string;
  title: string;
  displayName: string;
  organisation: string | undefined;
}

export interface AccessPageOptions {
  services: AccessPageServices;
  /** Demo mode's personas; without them there is no persona sign-in. */
  personas?: readonly SignInPersona[];
}

type StartSession = (userId: string, next: string, reply: FastifyReply, correlationId: string) => Promise<FastifyReply>;

/** Starts a web session for a signed-in user and sends them on to declare a purpose. */
function sessionStarter({ access, config }: AccessPageServices): StartSession {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    // SECURITY: SameSite=Strict keeps the session cookie off cross-site form posts, so no other site can act as the user.
    sameSite: 'strict' as const,
    secure: 'auto' as const,
    signed: true,
    maxAge: config.sessionHours * 3600,
  };
  return async (userId, next, reply, correlationId) => {
    const token = await access.startSession(userId, correlationId);
    return reply
      .setCookie(sessionCookie, token, cookieOptions)
      .redirect(`/purpose?next=${encodeURIComponent(safeNext(next))}`);
  };
}

/** Sign-in, demo personas, sign-out and purpose declaration. */
export const accessPages: FastifyPluginAsync<AccessPageOptions> = async (app, { services, personas }) => {
  const startSession = sessionStarter(services);
  registerHomeAndSignOut(app, services);
  registerSignInPages(app, services, personas, startSession);
  registerAccessRegisterPage(app, services);
  registerPurposePages(app, services);
};

function registerHomeAndSignOut(app: FastifyInstance, services: AccessPageServices): void {
  app.get('/', { schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const user = await resumePageSession(services, request);
    return reply.redirect(user ? '/people/search' : '/sign-in');
  });

  app.post('/sign-out', { schema: pageSchema({ body: {} }) }, async (request, reply) => {
    const user = await resumePageSession(services, request);
    if (user) await services.access.endSession(user.token);
    return reply.clearCookie(sessionCookie, { path: '/' }).redirect('/sign-in');
  });
}

function registerSignInPages(
  app: FastifyInstance,
  { access }: AccessPageServices,
  personas: readonly SignInPersona[] | undefined,
  startSession: StartSession,
): void {
  app.get('/sign-in', { schema: pageSchema({ query: { text: ['next'] } }) }, async (request, reply) => {
    const { next } = request.query as Form;
    return reply.view('pages/sign-in.njk', {
      next: safeNext(next),
      personas,
      fieldErrors: {},
      currentUrl: request.url,
    });
  });

  // SECURITY: password guessing is slowed per client address; the two sign-in forms share one counter.
  const signInLimit = { onRequest: app.rateLimits.signIn };

  app.post(
    '/sign-in',
    { ...signInLimit, schema: pageSchema({ body: { text: ['username', 'password', 'next'] } }) },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const username = form.username?.trim() ?? '';
      const password = form.password ?? '';
      const fieldErrors: Record<string, string> = {};
      if (!username) fieldErrors.username = 'Enter your username';
      if (!password) fieldErrors.password = 'Enter your password';
      if (Object.keys(fieldErrors).length === 0) {
        try {
          const user = await access.signIn(username, password);
          return startSession(user.id, form.next ?? '', reply, request.id);
        } catch (error) {
          if (!isLedsError(error)) throw error;
          fieldErrors.password = 'The username or password is wrong';
        }
      }
      const errors = Object.entries(fieldErrors).map(([field, text]) => ({ text, href: `#${field}` }));
      return reply.status(400).view('pages/sign-in.njk', {
        next: safeNext(form.next),
        username,
        personas,
        fieldErrors,
        errors,
        currentUrl: request.url,
      });
    },
  );

  app.post(
    '/sign-in/demo',
    { ...signInLimit, schema: pageSchema({ body: { text: ['username', 'next'] } }) },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      // SECURITY: persona sign-in exists only in demo mode (only then are personas given); outside it this route
      // answers as if it did not exist.
      const persona = personas?.find((p) => p.username === form.username);
      const user = persona ? await access.findUser(persona.username) : undefined;
      if (!user) return reply.callNotFound();
      return startSession(user.id, form.next ?? '', reply, request.id);
    },
  );
}

function registerAccessRegisterPage(app: FastifyInstance, services: AccessPageServices): void {
  const { config } = services;
  app.get('/access-register', { schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const entries = await services.agreements.accessRegister();
    const user = await resumePageSession(services, request);
    if (user) request.pageUser = user;
    const purposeNames = new Map(config.purposes.map((p) => [p.code, p.name]));
    return reply.view('pages/access-register.njk', {
      ...pageLocals(services, request),
      entries: entries.map((e) => ({ ...e, purposeNames: e.purposes.map((p) => purposeNames.get(p) ?? p) })),
      organisations: new Set(entries.map((e) => e.organisation)).size,
      datasets: config.datasets,
    });
  });
}

function registerPurposePages(app: FastifyInstance, services: AccessPageServices): void {
  const { access, config } = services;
  const purposeItems = (selected: string | undefined) =>
    config.purposes.map((p) => ({
      value: p.code,
      text: p.name,
      hint: { text: p.description },
      checked: p.code === selected,
    }));

  app.get(
    '/purpose',
    { preHandler: requireSignedIn(services, { purpose: false }), schema: pageSchema({ query: { text: ['next'] } }) },
    async (request, reply) => {
      const { next } = request.query as Form;
      const user = request.pageUser;
      return reply.view('pages/purpose.njk', {
        ...pageLocals(services, request),
        next: safeNext(next),
        purposeItems: purposeItems(user?.purpose ?? undefined),
        caseReference: user?.caseReference,
        fieldErrors: {},
      });
    },
  );

  app.post(
    '/purpose',
    {
      preHandler: requireSignedIn(services, { purpose: false }),
      schema: pageSchema({ body: { text: ['purpose', 'caseReference', 'next'] } }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const purpose = config.purposes.find((p) => p.code === form.purpose);
      const caseReference = form.caseReference?.trim() || null;
      const fieldErrors: Record<string, string> = {};
      if (!purpose) fieldErrors.purpose = 'Select the purpose of your work';
      if (caseReference && !isCaseReference(caseReference)) {
        fieldErrors.caseReference = `Enter a case reference of ${caseReferenceRule.says}`;
      }
      if (!purpose || Object.keys(fieldErrors).length > 0) {
        return reply.status(400).view('pages/purpose.njk', {
          ...pageLocals(services, request),
          next: safeNext(form.next),
          purposeItems: purposeItems(form.purpose),
          caseReference,
          fieldErrors,
          errors: Object.entries(fieldErrors).map(([field, text]) => ({
            text,
            href: field === 'purpose' ? `#${field}` : `#${field}`,
          })),
        });
      }
      await access.declarePurpose(signedInSession(request), purpose.code, caseReference, request.id);
      return reply.redirect(safeNext(form.next));
    },
  );
}
