import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../composition.ts';
import { demoOrganisations, demoPersonas } from '../../demo/demo-personas.ts';
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

type Form = Record<string, string | undefined>;

/** Sign-in, demo personas, sign-out and purpose declaration. */
export const accessPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { access, config } = services;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    // SECURITY: SameSite=Strict keeps the session cookie off cross-site form posts, so no other site can act as the user.
    sameSite: 'strict' as const,
    secure: 'auto' as const,
    signed: true,
    maxAge: config.sessionHours * 3600,
  };
  const personas = config.demo
    ? demoPersonas.map((p) => ({
        ...p,
        organisation: demoOrganisations.find((o) => o.code === p.organisationCode)?.name,
      }))
    : undefined;

  const startSession = async (
    userId: string,
    next: string,
    reply: import('fastify').FastifyReply,
    correlationId: string,
  ) => {
    const token = await access.startSession(userId, correlationId);
    return reply
      .setCookie(sessionCookie, token, cookieOptions)
      .redirect(`/purpose?next=${encodeURIComponent(safeNext(next))}`);
  };

  app.get('/', { schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const user = await resumePageSession(services, request);
    return reply.redirect(user ? '/people/search' : '/sign-in');
  });

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
      // SECURITY: persona sign-in exists only in demo mode; outside it this route answers as if it did not exist.
      const persona = config.demo ? demoPersonas.find((p) => p.username === form.username) : undefined;
      const user = persona ? await access.findUser(persona.username) : undefined;
      if (!user) return reply.callNotFound();
      return startSession(user.id, form.next ?? '', reply, request.id);
    },
  );

  app.post('/sign-out', { schema: pageSchema({ body: {} }) }, async (request, reply) => {
    const user = await resumePageSession(services, request);
    if (user) await access.endSession(user.token);
    return reply.clearCookie(sessionCookie, { path: '/' }).redirect('/sign-in');
  });

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
};
