import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import { isLedsError, type LedsError } from '../../platform/errors.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, pagePath, requireSignedIn } from '../../web/page-session.ts';
import type { AccessDecisions } from './access.decisions.ts';
import type { AccessService } from './access.service.ts';
import type { AccessApplicationsService, ItemDecision } from './access-applications.service.ts';
import type { AgreementsService } from './agreements.service.ts';

type Form = Record<string, string | string[] | undefined>;
const list = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
const errorList = (error: LedsError) => [
  { text: error.message },
  ...error.fieldProblems.map((p) => ({ text: `${p.field}: ${p.message}` })),
];

/** What the access application and agreement pages use. */
export interface AccessApplicationPageServices {
  applications: Pick<
    AccessApplicationsService,
    'list' | 'reviewsDue' | 'submit' | 'get' | 'decide' | 'appeal' | 'decideAppeal' | 'setAgreementStatus'
  >;
  decisions: Pick<AccessDecisions, 'decide' | 'require'>;
  agreements: Pick<AgreementsService, 'accessRegister'>;
  access: Pick<AccessService, 'resumeSession'>;
  clock: Clock;
  config: Pick<Config, 'purposes' | 'datasets'>;
}

type Guard = { preHandler: ReturnType<typeof requireSignedIn> };

/** Applying for access, the panel's decisions and appeals, and agreement administration. No JavaScript needed. */
export const accessApplicationPages: FastifyPluginAsync<{ services: AccessApplicationPageServices }> = async (
  app,
  { services },
) => {
  const guard: Guard = { preHandler: requireSignedIn(services, { purpose: false }) };
  registerApplyingPages(app, services, guard);
  registerApplicationPages(app, services, guard);
  registerAgreementPages(app, services, guard);
};

/** The form to apply for access, with what was entered and what is wrong with it. */
function renderNew(
  services: AccessApplicationPageServices,
  request: FastifyRequest,
  reply: FastifyReply,
  form: Form,
  errors: { text: string }[] = [],
) {
  const { config } = services;
  const purposes = config.purposes.map((p) => ({ value: p.code, text: p.name }));
  return reply.status(errors.length ? 400 : 200).view('pages/access-application-new.njk', {
    ...pageLocals(services, request),
    datasets: config.datasets,
    purposes,
    form,
    errors,
  });
}

/** The list of applications, the form to apply and its submission. */
function registerApplyingPages(app: FastifyInstance, services: AccessApplicationPageServices, guard: Guard): void {
  const { applications } = services;
  app.get('/access-applications', { ...guard, schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const ctx = pageContext(request);
    const all = await applications.list(ctx);
    const reviews = (await services.decisions.decide(ctx, 'agreement.manage')).allowed
      ? await applications.reviewsDue(ctx)
      : undefined;
    const maySubmit = (await services.decisions.decide(ctx, 'access-application.submit')).allowed;
    return reply.view('pages/access-applications.njk', {
      ...pageLocals(services, request),
      applications: all,
      reviews,
      maySubmit,
    });
  });

  app.get('/access-applications/new', { ...guard, schema: pageSchema({ query: {} }) }, async (request, reply) => {
    await services.decisions.require(pageContext(request), 'access-application.submit');
    return renderNew(services, request, reply, {});
  });

  app.post(
    '/access-applications',
    {
      ...guard,
      schema: pageSchema({
        body: {
          text: ['requestedValidTo'],
          lists: ['datasets'],
          listPatterns: ['^(purposes|legalBasis|businessCase)-'],
        },
      }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const items = list(form.datasets).map((dataset) => ({
        dataset,
        purposes: list(form[`purposes-${dataset}`]),
        legalBasis: one(form[`legalBasis-${dataset}`]),
        businessCase: one(form[`businessCase-${dataset}`]),
      }));
      try {
        const application = await applications.submit(pageContext(request), {
          requestedValidTo: one(form.requestedValidTo),
          items,
        });
        return reply.redirect(pagePath`/access-applications/${application.id}`);
      } catch (error) {
        if (!isLedsError(error) || error.code !== 'REQUEST_INVALID') throw error;
        return renderNew(services, request, reply, form, errorList(error));
      }
    },
  );
}

/** One application as its organisation or the panel sees it, and what either may do next. */
async function renderApplication(
  services: AccessApplicationPageServices,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  errors: { text: string }[] = [],
) {
  const { applications } = services;
  const ctx = pageContext(request);
  const application = await applications.get(ctx, id);
  const mayDecide = (await services.decisions.decide(ctx, 'access-application.decide')).allowed;
  const today = services.clock.now().toISOString().slice(0, 10);
  return reply.status(errors.length ? 400 : 200).view('pages/access-application.njk', {
    ...pageLocals(services, request),
    application,
    mayDecide,
    mayAppeal:
      application.organisationId === ctx.organisation.id && ['REFUSED', 'PARTLY_APPROVED'].includes(application.status),
    today,
    errors,
  });
}

/** One application, the panel's decision on it, an appeal and the appeal's decision. */
function registerApplicationPages(app: FastifyInstance, services: AccessApplicationPageServices, guard: Guard): void {
  const { applications } = services;
  app.get('/access-applications/:id', { ...guard, schema: pageSchema({ query: {} }) }, async (request, reply) =>
    renderApplication(services, request, reply, (request.params as { id: string }).id),
  );

  const act = (path: string, run: (request: FastifyRequest, id: string, form: Form) => Promise<unknown>) =>
    app.post(
      `/access-applications/:id/${path}`,
      {
        ...guard,
        schema: pageSchema({
          body: {
            text: ['reason', 'validFrom', 'validTo', 'reviewDue', 'grounds', 'outcome'],
            listPatterns: ['^(decision|reason)-'],
          },
        }),
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        try {
          await run(request, id, (request.body ?? {}) as Form);
          return reply.redirect(pagePath`/access-applications/${id}`);
        } catch (error) {
          if (!isLedsError(error) || error.code !== 'REQUEST_INVALID') throw error;
          return renderApplication(services, request, reply, id, errorList(error));
        }
      },
    );

  act('decision', async (request, id, form) => {
    const application = await applications.get(pageContext(request), id);
    const items: ItemDecision[] = application.items
      .filter((item) => form[`decision-${item.id}`])
      .map((item) => ({
        itemId: item.id,
        decision: one(form[`decision-${item.id}`]) as ItemDecision['decision'],
        reason: one(form[`reason-${item.id}`]),
      }));
    return applications.decide(pageContext(request), id, {
      reason: one(form.reason),
      items,
      validFrom: one(form.validFrom),
      validTo: one(form.validTo),
      reviewDue: one(form.reviewDue),
    });
  });
  act('appeal', (request, id, form) => applications.appeal(pageContext(request), id, one(form.grounds)));
  act('appeal-decision', (request, id, form) =>
    applications.decideAppeal(pageContext(request), id, {
      outcome: one(form.outcome) === 'UPHELD' ? 'UPHELD' : 'DISMISSED',
      reason: one(form.reason),
      validFrom: one(form.validFrom),
      validTo: one(form.validTo),
      reviewDue: one(form.reviewDue),
    }),
  );
}

/** The organisation's agreements and their suspension or ending. */
function registerAgreementPages(app: FastifyInstance, services: AccessApplicationPageServices, guard: Guard): void {
  const { applications } = services;
  app.get('/agreements', { ...guard, schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const ctx = pageContext(request);
    await services.decisions.require(ctx, 'agreement.manage');
    const register = await services.agreements.accessRegister();
    const agreements = [...new Map(register.map((e) => [e.agreement, e])).values()];
    return reply.view('pages/agreements.njk', {
      ...pageLocals(services, request),
      agreements,
      reviews: await applications.reviewsDue(ctx),
    });
  });

  app.post(
    '/agreements/:reference/status',
    { ...guard, schema: pageSchema({ body: { text: ['status'] } }) },
    async (request, reply) => {
      const { reference } = request.params as { reference: string };
      const status = one(((request.body ?? {}) as Form).status);
      if (status !== 'ACTIVE' && status !== 'SUSPENDED' && status !== 'ENDED') return reply.callNotFound();
      await applications.setAgreementStatus(pageContext(request), reference, status);
      return reply.redirect('/agreements');
    },
  );
}
