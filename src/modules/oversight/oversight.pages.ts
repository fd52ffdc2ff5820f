import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import { isLedsError } from '../../platform/errors.ts';
import { pageSchema, wholeNumber } from '../../web/page-schemas.ts';
import {
  pageContext,
  pageLocals,
  pagePath,
  requireSignedIn,
  safeNext,
  signedInSession,
} from '../../web/page-session.ts';
import type { AccessService } from '../access/index.ts';
import type { AuditSearch, AuditService } from '../audit/index.ts';
import type { OversightService } from './oversight.service.ts';

/** What the auditor console's pages use, and what the shared page guard and identity bar ask for. */
export type AuditorConsolePageServices = {
  oversight: Pick<
    OversightService,
    'openCase' | 'listCases' | 'closeCase' | 'searchEntries' | 'entry' | 'placeLegalHold' | 'patterns' | 'deletedRecord'
  >;
  access: Pick<AccessService, 'declarePurpose'>;
  /** The audit log's last signing: a log that failed its check is the first thing an auditor must see. */
  audit: Pick<AuditService, 'checkpointStatus'>;
  config: Pick<Config, 'purposes'>;
} & Parameters<typeof requireSignedIn>[0] &
  Parameters<typeof pageLocals>[0];

type Form = Record<string, string | undefined>;
type Page = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
const searchFields = ['personId', 'actorId', 'organisationCode', 'purpose', 'kind', 'outcome', 'from', 'to'] as const;

/** The console: the auditor's cases, and a form to open one; with the problems of a refused form, a 400. */
async function renderConsole(
  services: AuditorConsolePageServices,
  request: FastifyRequest,
  reply: FastifyReply,
  errors: { text: string }[] = [],
) {
  const ctx = pageContext(request);
  const cases = await services.oversight.listCases(ctx);
  return reply.status(errors.length ? 400 : 200).view('pages/audit-console.njk', {
    ...pageLocals(services, request),
    cases,
    currentCase: ctx.purpose === 'AUDIT' ? ctx.caseReference : undefined,
    checkpointStatus: services.audit.checkpointStatus,
    errors,
  });
}

/** Pages that show the log answer "open a case first" by sending the auditor to the console. */
const inCase =
  (services: AuditorConsolePageServices, render: Page): Page =>
  async (request, reply) => {
    try {
      return await render(request, reply);
    } catch (error) {
      if (isLedsError(error) && error.code === 'AUDIT_CASE_REQUIRED')
        return renderConsole(services, request, reply, [
          { text: 'Open an audit case, or resume one, before searching the log' },
        ]);
      throw error;
    }
  };

function registerCasePages(app: FastifyInstance, services: AuditorConsolePageServices, guard: object) {
  const { oversight } = services;
  app.get('/audit', { ...guard, schema: pageSchema({ query: {} }) }, (request, reply) =>
    renderConsole(services, request, reply),
  );

  app.post('/audit/cases', { ...guard, schema: pageSchema({ body: { text: ['reason'] } }) }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    try {
      const opened = await oversight.openCase(pageContext(request), form.reason ?? '');
      await services.access.declarePurpose(signedInSession(request), 'AUDIT', opened.reference, request.id);
      return reply.redirect('/audit/entries');
    } catch (error) {
      if (!isLedsError(error) || error.code !== 'REQUEST_INVALID') throw error;
      return renderConsole(services, request, reply, [{ text: error.fieldProblems[0]?.message ?? error.message }]);
    }
  });

  app.post('/audit/cases/:reference/resume', { ...guard, schema: pageSchema({ body: {} }) }, async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const mine = await oversight.listCases(pageContext(request));
    if (!mine.some((c) => c.reference === reference && !c.closedAt))
      return renderConsole(services, request, reply, [{ text: `no open audit case ${reference}` }]);
    await services.access.declarePurpose(signedInSession(request), 'AUDIT', reference, request.id);
    return reply.redirect('/audit/entries');
  });

  app.post('/audit/cases/:reference/close', { ...guard, schema: pageSchema({ body: {} }) }, async (request, reply) => {
    await oversight.closeCase(pageContext(request), (request.params as { reference: string }).reference);
    return reply.redirect('/audit');
  });
}

function registerEntryPages(app: FastifyInstance, services: AuditorConsolePageServices, guard: object) {
  const { oversight } = services;
  app.get(
    '/audit/entries',
    { ...guard, schema: pageSchema({ query: { text: searchFields, patterns: { before: wholeNumber } } }) },
    inCase(services, async (request, reply) => {
      const query = request.query as Form;
      const search: AuditSearch = {};
      for (const field of searchFields) if (query[field]?.trim()) search[field] = query[field]?.trim();
      if (query.before) search.before = Number(query.before);
      const entries = await oversight.searchEntries(pageContext(request), search);
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
    inCase(services, async (request, reply) => {
      const seq = Number((request.params as { seq: string }).seq);
      const detail = await oversight.entry(pageContext(request), Number.isInteger(seq) ? seq : -1);
      return reply.view('pages/audit-entry.njk', {
        ...pageLocals(services, request),
        detail,
        shownJson: detail.shown.content === null ? null : JSON.stringify(detail.shown.content, null, 2),
        entryJson: JSON.stringify(detail.entry, null, 2),
      });
    }),
  );
}

function registerDeletedRecordPage(app: FastifyInstance, services: AuditorConsolePageServices, guard: object) {
  const { oversight } = services;
  // The console's form asks by id; the page is the record's own address.
  app.get(
    '/audit/deleted-records',
    { ...guard, schema: pageSchema({ query: { text: ['deletedRecordId'] } }) },
    async (request, reply) =>
      reply.redirect(pagePath`/audit/deleted-records/${(request.query as Form).deletedRecordId?.trim() || '-'}`),
  );
  app.get(
    '/audit/deleted-records/:id',
    { ...guard, schema: pageSchema({ query: {}, params: { id: '^[0-9A-Za-z-]{1,64}$' } }) },
    inCase(services, async (request, reply) => {
      const view = await oversight.deletedRecord(pageContext(request), (request.params as { id: string }).id);
      return reply.view('pages/audit-deleted-record.njk', {
        ...pageLocals(services, request),
        view,
        contentJson: view.content.rows === null ? null : JSON.stringify(view.content.rows, null, 2),
      });
    }),
  );
}

function registerHoldAndPatternPages(app: FastifyInstance, services: AuditorConsolePageServices, guard: object) {
  const { oversight } = services;
  app.post(
    '/audit/legal-holds',
    { ...guard, schema: pageSchema({ body: { text: ['subjectKind', 'subjectId', 'reason', 'back'] } }) },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      await oversight.placeLegalHold(pageContext(request), {
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
    inCase(services, async (request, reply) => {
      const query = request.query as Form;
      const patterns = await oversight.patterns(pageContext(request), {
        from: query.from || undefined,
        to: query.to || undefined,
      });
      return reply.view('pages/audit-patterns.njk', { ...pageLocals(services, request), patterns });
    }),
  );
}

/**
 * The auditor console (open a case, search the log, one entry with its proof and what the user saw, patterns,
 * legal holds). No JavaScript needed. The public audit page is modules/audit/audit.pages.ts.
 */
export const oversightPages: FastifyPluginAsync<{ services: AuditorConsolePageServices }> = async (
  app,
  { services },
) => {
  const guard = { preHandler: requireSignedIn(services, { purpose: false }) };
  registerCasePages(app, services, guard);
  registerEntryPages(app, services, guard);
  registerDeletedRecordPage(app, services, guard);
  registerHoldAndPatternPages(app, services, guard);
};
