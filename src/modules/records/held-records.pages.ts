import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { isLedsError } from '../../platform/errors.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, requireSignedIn } from '../../web/page-session.ts';
import type { HeldRecordsService } from './held-records.service.ts';

type Form = { reason?: string; note?: string };

/** What the held records pages use: the page session's services, and the review of held records. */
export type HeldRecordsPageServices = Parameters<typeof requireSignedIn>[0] &
  Parameters<typeof pageLocals>[0] & {
    heldRecords: Pick<
      HeldRecordsService,
      'forReview' | 'notLinked' | 'link' | 'refuse' | 'possibleDuplicates' | 'reviewPossibleDuplicate'
    >;
  };

/** The held records page: records waiting for the caller's force to link or refuse, and its own not linked. */
export const heldRecordsPages: FastifyPluginAsync<{ services: HeldRecordsPageServices }> = async (
  app,
  { services },
) => {
  const guard = { preHandler: requireSignedIn(services, { purpose: false }) };
  app.get('/held-records', { ...guard, schema: pageSchema({ query: {} }) }, (request, reply) =>
    renderHeldRecords(services, request, reply),
  );
  registerLinkPage(app, services, guard);
  registerReviewTextPages(app, services, guard);
};

/** The held records page, with the errors of a review decision sent from it. */
async function renderHeldRecords(
  services: HeldRecordsPageServices,
  request: FastifyRequest,
  reply: FastifyReply,
  errors: { text: string; href?: string }[] = [],
) {
  const { heldRecords } = services;
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
}

/** Link a held record to the person it names. */
function registerLinkPage(app: FastifyInstance, services: HeldRecordsPageServices, guard: RouteShorthandOptions) {
  app.post(
    '/held-records/:id/link',
    { ...guard, schema: pageSchema({ body: { text: ['reason'] } }) },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = (request.body ?? {}) as Form;
      await services.heldRecords.link(pageContext(request), id, form.reason?.trim() || null);
      return reply.redirect('/held-records');
    },
  );
}

/** Refuse a held record, and review a possible duplicate: decisions that need the reviewer's text. */
function registerReviewTextPages(
  app: FastifyInstance,
  services: HeldRecordsPageServices,
  guard: RouteShorthandOptions,
) {
  const { heldRecords } = services;
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
        return renderHeldRecords(services, request, reply, [{ text: missing, href: `#${field}-${id}` }]);
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
}
