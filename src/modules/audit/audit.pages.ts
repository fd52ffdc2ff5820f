import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../composition.ts';
import { isLedsError } from '../../platform/errors.ts';
import { pageSchema, wholeNumber } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, requireSignedIn, safeNext, signedInSession } from '../../web/page-session.ts';
import type { AuditSearch } from './audit.service.ts';

type Form = Record<string, string | undefined>;
const searchFields = ['personId', 'actorId', 'organisationCode', 'purpose', 'kind', 'outcome', 'from', 'to'] as const;

/**
 * The auditor console (open a case, search the log, one entry with its proof and what the user saw, patterns,
 * legal holds) and the public audit page. No JavaScript needed.
 */
export const auditPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { audit } = services;
  const guard = { preHandler: requireSignedIn(services, { purpose: false }) };

  const renderConsole = async (request: FastifyRequest, reply: FastifyReply, errors: { text: string }[] = []) => {
    const ctx = pageContext(request);
    const cases = await audit.listCases(ctx);
    return reply.status(errors.length ? 400 : 200).view('pages/audit-console.njk', {
      ...pageLocals(services, request),
      cases,
      currentCase: ctx.purpose === 'AUDIT' ? ctx.caseReference : undefined,
      errors,
    });
  };

  app.get('/audit', { ...guard, schema: pageSchema({ query: {} }) }, (request, reply) => renderConsole(request, reply));

  app.post('/audit/cases', { ...guard, schema: pageSchema({ body: { text: ['reason'] } }) }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    try {
      const opened = await audit.openCase(pageContext(request), form.reason ?? '');
      await services.access.declarePurpose(signedInSession(request), 'AUDIT', opened.reference, request.id);
      return reply.redirect('/audit/entries');
    } catch (error) {
      if (!isLedsError(error) || error.code !== 'REQUEST_INVALID') throw error;
      return renderConsole(request, reply, [{ text: error.fieldProblems[0]?.message ?? error.message }]);
    }
  });

  app.post('/audit/cases/:reference/resume', { ...guard, schema: pageSchema({ body: {} }) }, async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const mine = await audit.listCases(pageContext(request));
    if (!mine.some((c) => c.reference === reference && !c.closedAt))
      return renderConsole(request, reply, [{ text: `no open audit case ${reference}` }]);
    await services.access.declarePurpose(signedInSession(request), 'AUDIT', reference, request.id);
    return reply.redirect('/audit/entries');
  });

  app.post('/audit/cases/:reference/close', { ...guard, schema: pageSchema({ body: {} }) }, async (request, reply) => {
    await audit.closeCase(pageContext(request), (request.params as { reference: string }).reference);
    return reply.redirect('/audit');
  });

  /** Pages that show the log answer "open a case first" by sending the auditor to the console. */
  const inCase =
    (render: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await render(request, reply);
      } catch (error) {
        if (isLedsError(error) && error.code === 'AUDIT_CASE_REQUIRED')
          return renderConsole(request, reply, [
            { text: 'Open an audit case, or resume one, before searching the log' },
          ]);
        throw error;
      }
    };

  app.get(
    '/audit/entries',
    { ...guard, schema: pageSchema({ query: { text: searchFields, patterns: { before: wholeNumber } } }) },
    inCase(async (request, reply) => {
      const query = request.query as Form;
      const search: AuditSearch = {};
      for (const field of searchFields) if (query[field]?.trim()) search[field] = query[field]?.trim();
      if (query.before) search.before = Number(query.before);
      const entries = await audit.searchEntries(pageContext(request), search);
      return reply.view('pages/audit-entries.njk', {
        ...pageLocals(services, request),
        query,
        entries,
        nextPage:
          entries.length === 50
            ? `/audit/entries?${new URLSearchParams({ ...(search as Record<string, string>), before: String(entries.at(-1)?.seq) })}`
            : undefined,
        purposes: services.config.purposes,
      });
    }),
  );

  app.get(
    '/audit/entries/:seq',
    { ...guard, schema: pageSchema({ query: {}, params: { seq: wholeNumber } }) },
    inCase(async (request, reply) => {
      const seq = Number((request.params as { seq: string }).seq);
      const detail = await audit.entry(pageContext(request), Number.isInteger(seq) ? seq : -1);
      return reply.view('pages/audit-entry.njk', {
        ...pageLocals(services, request),
        detail,
        shownJson: detail.shown.content === null ? null : JSON.stringify(detail.shown.content, null, 2),
        entryJson: JSON.stringify(detail.entry, null, 2),
      });
    }),
  );

  app.post(
    '/audit/legal-holds',
    { ...guard, schema: pageSchema({ body: { text: ['subjectKind', 'subjectId', 'reason', 'back'] } }) },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      await audit.placeLegalHold(pageContext(request), {
        subjectKind: form.subjectKind === 'USER' ? 'USER' : 'PERSON',
        subjectId: form.subjectId ?? '',
        reason: form.reason ?? '',
      });
      const back = safeNext(form.back);
      return reply.redirect(back.startsWith('/audit/') ? back : '/audit');
    },
  );

  app.get(
    '/audit/patterns',
    { ...guard, schema: pageSchema({ query: { text: ['from', 'to'] } }) },
    inCase(async (request, reply) => {
      const query = request.query as Form;
      const patterns = await audit.patterns(pageContext(request), {
        from: query.from || undefined,
        to: query.to || undefined,
      });
      return reply.view('pages/audit-patterns.njk', { ...pageLocals(services, request), patterns });
    }),
  );

  // Public: no sign-in. Aggregates and the signed checkpoint only, never rows.
  app.get('/transparency/audit', { schema: pageSchema({ query: {} }) }, async (request, reply) => {
    const checkpoint = await audit.latestCheckpoint();
    return reply.view('pages/transparency-audit.njk', {
      ...pageLocals(services, request),
      checkpoint,
      verifierKey: audit.verifierKey,
      origin: audit.origin,
      figures: await audit.monthlyFigures(),
    });
  });
};
