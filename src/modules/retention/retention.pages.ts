import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../composition.ts';
import { isLedsError } from '../../platform/errors.ts';
import { pageContext, pageLocals, requireSignedIn } from '../../web/page-session.ts';

type Form = Record<string, string | undefined>;
const errorsOf = (error: unknown) => {
  if (!isLedsError(error) || error.status >= 500 || error.code.startsWith('ACCESS')) throw error;
  return error.fieldProblems.length
    ? error.fieldProblems.map((p) => ({ text: `${p.field}: ${p.message}`, href: `#${p.field}` }))
    : [{ text: error.message }];
};

/**
 * The retention officer's pages (the desk, a person's retention, deciding an application) and the public ones
 * (applying for deletion without signing in, the published figures). No JavaScript needed.
 */
export const retentionPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { retention } = services;
  const signedIn = { preHandler: requireSignedIn(services, { purpose: false }) };
  const withPurpose = { preHandler: requireSignedIn(services, { purpose: true }) };

  app.get('/retention', signedIn, async (request, reply) =>
    reply.view('pages/retention-desk.njk', {
      ...pageLocals(services, request),
      desk: await retention.overview(pageContext(request)),
    }),
  );

  const renderPerson = async (request: FastifyRequest, reply: FastifyReply, errors: { text: string }[] = []) => {
    const { id } = request.params as { id: string };
    const view = await retention.personRetention(pageContext(request), id);
    return reply
      .status(errors.length ? 400 : 200)
      .view('pages/retention-person.njk', { ...pageLocals(services, request), view, errors });
  };
  app.get('/retention/people/:id', withPurpose, (request, reply) => renderPerson(request, reply));
  app.post('/retention/people/:id/reviews', withPurpose, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    try {
      await retention.recordReview(pageContext(request), {
        itemId: form.itemId ?? '',
        outcome: form.outcome === 'DISPOSE' ? 'DISPOSE' : 'KEEP',
        reason: form.reason ?? '',
      });
    } catch (error) {
      return renderPerson(request, reply, errorsOf(error));
    }
    const { id } = request.params as { id: string };
    // A disposed person record has gone: back to the desk.
    return reply.redirect(form.itemId === id && form.outcome === 'DISPOSE' ? '/retention' : `/retention/people/${id}`);
  });

  const renderApplication = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: { text: string }[] = [],
    form: Form = {},
  ) => {
    const { id } = request.params as { id: string };
    const application = await retention.applicationFor(pageContext(request), id);
    return reply
      .status(errors.length ? 400 : 200)
      .view('pages/retention-application.njk', { ...pageLocals(services, request), application, errors, form });
  };
  app.get('/retention/applications/:id', signedIn, (request, reply) => renderApplication(request, reply));
  app.post('/retention/applications/:id/decision', signedIn, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const { id } = request.params as { id: string };
    try {
      await retention.decideApplication(pageContext(request), id, {
        decision: form.decision === 'REFUSED' ? 'REFUSED' : 'GRANTED',
        reasons: form.reasons ?? '',
        policingPurpose: form.policingPurpose || undefined,
        exceptionalReason: form.exceptionalReason || undefined,
      });
    } catch (error) {
      return renderApplication(request, reply, errorsOf(error), form);
    }
    return reply.redirect(`/retention/applications/${id}`);
  });
  app.post('/retention/applications/:id/applicant-told', signedIn, async (request, reply) => {
    const { id } = request.params as { id: string };
    await retention.recordApplicantTold(pageContext(request), id);
    return reply.redirect(`/retention/applications/${id}`);
  });

  // Public: no sign-in. A person applies for deletion of their custody image or record.
  const renderApply = (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: { text: string; href?: string }[] = [],
    form: Form = {},
  ) =>
    reply
      .status(errors.length ? 400 : 200)
      .view('pages/deletion-application-new.njk', { ...pageLocals(services, request), errors, form });
  app.get('/apply-for-deletion', (request, reply) => renderApply(request, reply));
  app.post('/apply-for-deletion', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    try {
      const received = await retention.applyForDeletion(null, {
        applicantName: form.applicantName ?? '',
        applicantDateOfBirth: form.applicantDateOfBirth ?? '',
        contact: form.contact ?? '',
        eventReference: form.eventReference ?? '',
        grounds: form.grounds ?? '',
      });
      return reply.view('pages/deletion-application-received.njk', { ...pageLocals(services, request), received });
    } catch (error) {
      return renderApply(request, reply, errorsOf(error), form);
    }
  });

  app.get('/transparency/retention', async (request, reply) =>
    reply.view('pages/transparency-retention.njk', {
      ...pageLocals(services, request),
      figures: await retention.figures(),
      rules: retention.rules,
    }),
  );
};
