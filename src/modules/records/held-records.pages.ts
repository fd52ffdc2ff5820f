import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../composition.ts';
import { isLedsError } from '../../platform/errors.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, requireSignedIn } from '../../web/page-session.ts';

type Form = { reason?: string; note?: string };

/** The held records page: records waiting for the caller's force to link or refuse, and its own not linked. */
export const heldRecordsPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { heldRecords } = services;
  const guard = { preHandler: requireSignedIn(services, { purpose: false }) };

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: { text: string; href?: string }[] = [],
  ) => {
    const ctx = pageContext(request);
    const forReview = await heldRecords.forReview(ctx).catch((error: unknown) => {
      if (isLedsError(error) && error.code === 'ACCESS_DENIED') return undefined;
      throw error;
    });
    const notLinked = await heldRecords.notLinked(ctx).catch((error: unknown) => {
      if (isLedsError(error) && error.code === 'ACCESS_DENIED') return undefined;
      throw error;
    });
    const possibleDuplicates = forReview ? await heldRecords.possibleDuplicates(ctx) : undefined;
    return reply.status(errors.length > 0 ? 400 : 200).view('pages/held-records.njk', {
      ...pageLocals(services, request),
      forReview: forReview?.map((h) => ({ ...h, recordJson: JSON.stringify(h.record, null, 2) })),
      notLinked,
      possibleDuplicates,
      errors,
    });
  };

  app.get('/held-records', { ...guard, schema: pageSchema({ query: {} }) }, (request, reply) => render(request, reply));

  app.post(
    '/held-records/:id/link',
    { ...guard, schema: pageSchema({ body: { text: ['reason'] } }) },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = (request.body ?? {}) as Form;
      await heldRecords.link(pageContext(request), id, form.reason?.trim() || null);
      return reply.redirect('/held-records');
    },
  );

  app.post(
    '/held-records/:id/refusal',
    { ...guard, schema: pageSchema({ body: { text: ['reason'] } }) },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = (request.body ?? {}) as Form;
      try {
        await heldRecords.refuse(pageContext(request), id, form.reason ?? '');
      } catch (error) {
        if (!isLedsError(error) || error.code !== 'REQUEST_INVALID') throw error;
        return render(request, reply, [{ text: 'Enter why the record is refused', href: `#reason-${id}` }]);
      }
      return reply.redirect('/held-records');
    },
  );

  app.post(
    '/held-records/possible-duplicates/:id/review',
    { ...guard, schema: pageSchema({ body: { text: ['note'] } }) },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = (request.body ?? {}) as Form;
      try {
        await heldRecords.reviewPossibleDuplicate(pageContext(request), id, form.note ?? '');
      } catch (error) {
        if (!isLedsError(error) || error.code !== 'REQUEST_INVALID') throw error;
        return render(request, reply, [{ text: 'Enter what your force makes of it', href: `#note-${id}` }]);
      }
      return reply.redirect('/held-records');
    },
  );
};
