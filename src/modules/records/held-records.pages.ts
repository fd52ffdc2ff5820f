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

  /** A review decision that needs text of the reviewer's (a reason, a note): without it, the page says so. */
  const withText = (
    path: string,
    field: 'reason' | 'note',
    missing: string,
    act: (request: FastifyRequest, id: string, text: string) => Promise<unknown>,
  ) =>
    app.post(path, { ...guard, schema: pageSchema({ body: { text: [field] } }) }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = (request.body ?? {}) as Form;
      try {
        await act(request, id, form[field] ?? '');
      } catch (error) {
        if (!isLedsError(error) || error.code !== 'REQUEST_INVALID') throw error;
        return render(request, reply, [{ text: missing, href: `#${field}-${id}` }]);
      }
      return reply.redirect('/held-records');
    });

  withText('/held-records/:id/refusal', 'reason', 'Enter why the record is refused', (request, id, reason) =>
    heldRecords.refuse(pageContext(request), id, reason),
  );
  withText(
    '/held-records/possible-duplicates/:id/review',
    'note',
    'Enter what your force makes of it',
    (request, id, note) => heldRecords.reviewPossibleDuplicate(pageContext(request), id, note),
  );
};
