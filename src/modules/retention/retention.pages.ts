import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isLedsError } from '../../platform/errors.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, pagePath, requireSignedIn } from '../../web/page-session.ts';
import { deletionGrounds } from './deletion-grounds.ts';
import { sendNoticesCsv } from './retention.routes.ts';
import type { RetentionService } from './retention.service.ts';
import { type InstrumentKind, instrumentKinds, publicApplicationNext } from './retention.types.ts';
import { describeSweep } from './sweep-progress.ts';

type Form = Record<string, string | undefined>;
/** A form whose checkbox groups may come as lists. */
type ListForm = Record<string, string | string[] | undefined>;
/** A field that may come once or more (a group of checkboxes), as a list. */
const listOf = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const errorsOf = (error: unknown) => {
  if (!isLedsError(error) || error.status >= 500 || error.code.startsWith('ACCESS')) throw error;
  return error.fieldProblems.length
    ? error.fieldProblems.map((p) => ({ text: `${p.field}: ${p.message}`, href: `#${p.field}` }))
    : [{ text: error.message }];
};

const applicationInput = (form: ListForm) => ({
  applicantName: one(form.applicantName) ?? '',
  applicantDateOfBirth: one(form.applicantDateOfBirth) ?? '',
  contact: one(form.contact) ?? '',
  eventReference: one(form.eventReference) ?? '',
  groundCodes: listOf(form.groundCodes),
  grounds: one(form.grounds) ?? '',
});

/**
 * A decision as the page's form gives it: a decision for every item, any item decided on its own
 * (`item-<id>`), and each ground met with its evidence (`groundsMet`, `evidence-<code>`).
 */
function decisionInput(form: ListForm) {
  const items = Object.entries(form).flatMap(([name, value]) => {
    const decision = one(value);
    return name.startsWith('item-') && (decision === 'GRANTED' || decision === 'REFUSED')
      ? [{ itemId: name.slice('item-'.length), decision: decision as 'GRANTED' | 'REFUSED' }]
      : [];
  });
  return {
    items,
    groundsMet: listOf(form.groundsMet).map((code) => ({ code, evidence: one(form[`evidence-${code}`]) ?? '' })),
    exceptionalGrantReason: one(form.exceptionalGrantReason) || undefined,
  };
}
const decisionFields = {
  text: ['decision', 'reasons', 'policingPurpose', 'exceptionalReason', 'exceptionalGrantReason'],
  lists: ['groundsMet'],
  listPatterns: ['^item-[0-9a-fA-F-]{36}$', '^evidence-[A-Z_]{1,40}$'],
};

/** The services the retention pages use: retention, and what signing in and the page layout read. */
export type RetentionPageServices = { retention: RetentionService } & Parameters<typeof requireSignedIn>[0] &
  Parameters<typeof pageLocals>[0];

/** What every retention page is built from: the services, and the sign-in checks (with a purpose, or without). */
interface RetentionPageKit {
  services: RetentionPageServices;
  retention: RetentionService;
  signedIn: { preHandler: ReturnType<typeof requireSignedIn> };
  withPurpose: { preHandler: ReturnType<typeof requireSignedIn> };
}

/**
 * The retention officer's pages (the desk, a person's retention, deciding an application) and the public ones
 * (applying for deletion without signing in, the published figures). No JavaScript needed.
 */
export const retentionPages: FastifyPluginAsync<{ services: RetentionPageServices }> = async (app, { services }) => {
  const kit: RetentionPageKit = {
    services,
    retention: services.retention,
    signedIn: { preHandler: requireSignedIn(services, { purpose: false }) },
    withPurpose: { preHandler: requireSignedIn(services, { purpose: true }) },
  };
  registerDeskPage(app, kit);
  registerPersonPage(app, kit);
  registerInstrumentForms(app, kit);
  registerStaffEntryPages(app, kit);
  registerApplicationPage(app, kit);
  registerApplicationDecisionForms(app, kit);
  registerDeletionNoticePages(app, kit);
  registerPublicPages(app, kit);
};

/** The retention officer's desk. */
function registerDeskPage(app: FastifyInstance, kit: RetentionPageKit) {
  const { services, retention, signedIn } = kit;
  app.get('/retention', { ...signedIn, schema: pageSchema({ query: {} }) }, async (request, reply) =>
    reply.view('pages/retention-desk.njk', {
      ...pageLocals(services, request),
      desk: await retention.overview(pageContext(request)),
      sweepStatus: describeSweep(retention.sweepProgress.view()),
    }),
  );
}

/** A person's retention, and a review recorded from it. */
function registerPersonPage(app: FastifyInstance, kit: RetentionPageKit) {
  const { retention, withPurpose } = kit;
  const renderPerson = personPageRenderer(kit);
  app.get('/retention/people/:id', { ...withPurpose, schema: pageSchema({ query: {} }) }, (request, reply) =>
    renderPerson(request, reply),
  );
  app.post(
    '/retention/people/:id/reviews',
    {
      ...withPurpose,
      schema: pageSchema({ body: { text: ['itemId', 'outcome', 'reason', 'policingPurpose', 'childrenActRegard'] } }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      try {
        await retention.recordReview(pageContext(request), {
          itemId: form.itemId ?? '',
          outcome: form.outcome === 'DISPOSE' ? 'DISPOSE' : 'KEEP',
          reason: form.reason ?? '',
          policingPurpose: form.policingPurpose || undefined,
          childrenActRegard: form.childrenActRegard || undefined,
        });
      } catch (error) {
        return renderPerson(request, reply, errorsOf(error));
      }
      const { id } = request.params as { id: string };
      // A disposed person record has gone: back to the desk.
      return reply.redirect(
        form.itemId === id && form.outcome === 'DISPOSE' ? '/retention' : pagePath`/retention/people/${id}`,
      );
    },
  );
}

/** Instruments recorded and ended from a person's retention page. */
function registerInstrumentForms(app: FastifyInstance, kit: RetentionPageKit) {
  const { retention, withPurpose } = kit;
  const renderPerson = personPageRenderer(kit);
  app.post(
    '/retention/people/:id/instruments',
    {
      ...withPurpose,
      schema: pageSchema({
        body: { text: ['kind', 'itemId', 'appliedOn', 'madeOn', 'until', 'madeBy', 'evidence', 'policingPurpose'] },
      }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const { id } = request.params as { id: string };
      try {
        await retention.recordInstrument(pageContext(request), {
          kind: (form.kind ?? '') as InstrumentKind,
          itemId: form.itemId || undefined,
          personId: form.itemId ? undefined : id,
          appliedOn: form.appliedOn || undefined,
          madeOn: form.madeOn ?? '',
          until: form.until || undefined,
          madeBy: form.madeBy ?? '',
          evidence: form.evidence ?? '',
          policingPurpose: form.policingPurpose || undefined,
        });
      } catch (error) {
        return renderPerson(request, reply, errorsOf(error), form);
      }
      return reply.redirect(pagePath`/retention/people/${id}`);
    },
  );
  app.post(
    '/retention/people/:id/instruments/:instrumentId/end',
    { ...withPurpose, schema: pageSchema({ body: { text: ['reason'] } }) },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const { id, instrumentId } = request.params as { id: string; instrumentId: string };
      try {
        await retention.endInstrument(pageContext(request), instrumentId, retention.today(), form.reason ?? '');
      } catch (error) {
        return renderPerson(request, reply, errorsOf(error), form);
      }
      return reply.redirect(pagePath`/retention/people/${id}`);
    },
  );
}

/** An application for deletion entered by staff. */
function registerStaffEntryPages(app: FastifyInstance, kit: RetentionPageKit) {
  const { services, retention, signedIn } = kit;
  const renderEntry = (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: { text: string }[] = [],
    form: Form = {},
  ) =>
    reply.status(errors.length ? 400 : 200).view('pages/deletion-application-new.njk', {
      ...pageLocals(services, request),
      errors,
      form,
      staff: true,
      groundOptions: deletionGrounds,
    });
  app.get('/retention/applications/new', { ...signedIn, schema: pageSchema({ query: {} }) }, (request, reply) =>
    renderEntry(request, reply),
  );
  app.post(
    '/retention/applications/new',
    {
      ...signedIn,
      schema: pageSchema({
        body: {
          text: ['applicantName', 'applicantDateOfBirth', 'contact', 'eventReference', 'grounds'],
          lists: ['groundCodes'],
        },
      }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const ctx = pageContext(request);
      try {
        const received = await retention.applyForDeletion(ctx, applicationInput(form));
        // An officer at a front counter, or another force's retention officer, may enter an application but not
        // decide it: they get the reference.
        if (await retention.handlesApplication(ctx, received))
          return reply.redirect(pagePath`/retention/applications/${received.id}`);
        return reply.view('pages/deletion-application-received.njk', {
          ...pageLocals(services, request),
          received,
          next: publicApplicationNext,
        });
      } catch (error) {
        return renderEntry(request, reply, errorsOf(error), form);
      }
    },
  );
}

/** An application for deletion, and its matching. */
function registerApplicationPage(app: FastifyInstance, kit: RetentionPageKit) {
  const { retention, signedIn } = kit;
  const renderApplication = applicationPageRenderer(kit);
  app.get('/retention/applications/:id', { ...signedIn, schema: pageSchema({ query: {} }) }, (request, reply) =>
    renderApplication(request, reply),
  );
  app.post(
    '/retention/applications/:id/decision',
    {
      ...signedIn,
      schema: pageSchema({ body: decisionFields }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const { id } = request.params as { id: string };
      try {
        await retention.decideApplication(pageContext(request), id, {
          decision: one(form.decision) === 'REFUSED' ? 'REFUSED' : 'GRANTED',
          reasons: one(form.reasons) ?? '',
          policingPurpose: one(form.policingPurpose) || undefined,
          exceptionalReason: one(form.exceptionalReason) || undefined,
          ...decisionInput(form),
        });
      } catch (error) {
        return renderApplication(request, reply, errorsOf(error), form);
      }
      return reply.redirect(pagePath`/retention/applications/${id}`);
    },
  );
  app.post(
    '/retention/applications/:id/applicant-told',
    { ...signedIn, schema: pageSchema({ body: {} }) },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await retention.recordApplicantTold(pageContext(request), id);
      return reply.redirect(pagePath`/retention/applications/${id}`);
    },
  );
}

/** An application for deletion decided, its applicant told, its appeal. */
function registerApplicationDecisionForms(app: FastifyInstance, kit: RetentionPageKit) {
  const { retention, signedIn } = kit;
  const renderApplication = applicationPageRenderer(kit);
  app.post(
    '/retention/applications/:id/match',
    { ...signedIn, schema: pageSchema({ body: { text: ['eventReference'] } }) },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const { id } = request.params as { id: string };
      try {
        await retention.matchApplication(pageContext(request), id, form.eventReference ?? '');
      } catch (error) {
        return renderApplication(request, reply, errorsOf(error), form);
      }
      return reply.redirect(pagePath`/retention/applications/${id}`);
    },
  );
  app.post(
    '/retention/applications/:id/appeal',
    {
      ...signedIn,
      schema: pageSchema({ body: { ...decisionFields, text: [...decisionFields.text, 'grounds', 'outcome'] } }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const { id } = request.params as { id: string };
      const outcome = one(form.outcome);
      const { items, groundsMet, exceptionalGrantReason } = decisionInput(form);
      try {
        await retention.appeal(pageContext(request), id, {
          grounds: one(form.grounds),
          outcome: outcome === 'UPHELD' || outcome === 'DISMISSED' ? outcome : undefined,
          reasons: one(form.reasons),
          // On the page an upheld appeal grants the refused items ticked to be granted, or all when none is.
          items: items.filter((i) => i.decision === 'GRANTED').map((i) => i.itemId).length
            ? items.filter((i) => i.decision === 'GRANTED').map((i) => i.itemId)
            : undefined,
          groundsMet,
          exceptionalGrantReason,
        });
      } catch (error) {
        return renderApplication(request, reply, errorsOf(error), form);
      }
      return reply.redirect(pagePath`/retention/applications/${id}`);
    },
  );

  // A force's own deletion notices, for the people who run its local deletion (the API and CSV do the same).
}

/** A force's deletion notices, downloaded and acknowledged. */
function registerDeletionNoticePages(app: FastifyInstance, kit: RetentionPageKit) {
  const { services, retention, signedIn } = kit;
  const noticeStatus = (request: FastifyRequest) => {
    const { status } = request.query as { status?: string };
    return status === 'ACKNOWLEDGED' || status === 'ALL' ? status : 'PENDING';
  };
  app.get(
    '/deletion-notices',
    { ...signedIn, schema: pageSchema({ query: { text: ['status'] } }) },
    async (request, reply) => {
      const status = noticeStatus(request);
      const ctx = pageContext(request);
      return reply.view('pages/deletion-notices.njk', {
        ...pageLocals(services, request),
        notices: await retention.noticesFor(ctx, { status }),
        status,
        organisation: request.pageUser?.organisation.name ?? ctx.organisation.code,
      });
    },
  );
  app.get(
    '/deletion-notices.csv',
    { ...signedIn, schema: pageSchema({ query: { text: ['status'] } }) },
    async (request, reply) =>
      sendNoticesCsv(reply, await retention.noticesFor(pageContext(request), { status: noticeStatus(request) })),
  );
  app.post(
    '/deletion-notices/:id/acknowledgement',
    { ...signedIn, schema: pageSchema({ query: { text: ['status'] }, body: {} }) },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await retention.acknowledgeNotice(pageContext(request), id);
      return reply.redirect(`/deletion-notices?status=${noticeStatus(request)}`);
    },
  );

  // Public: no sign-in. A person applies for deletion of their custody image or record.
}

/** Applying for deletion without signing in, and the published figures. */
function registerPublicPages(app: FastifyInstance, kit: RetentionPageKit) {
  const { services, retention } = kit;
  const renderApply = (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: { text: string; href?: string }[] = [],
    form: Form = {},
  ) =>
    reply.status(errors.length ? 400 : 200).view('pages/deletion-application-new.njk', {
      ...pageLocals(services, request),
      errors,
      form,
      groundOptions: deletionGrounds,
    });
  app.get('/apply-for-deletion', { schema: pageSchema({ query: {} }) }, (request, reply) =>
    renderApply(request, reply),
  );
  // SECURITY: rate limited per client address, one counter with the public API's form.
  app.post(
    '/apply-for-deletion',
    {
      onRequest: app.rateLimits.publicForm,
      schema: pageSchema({
        body: {
          text: ['applicantName', 'applicantDateOfBirth', 'contact', 'eventReference', 'grounds'],
          lists: ['groundCodes'],
        },
      }),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      try {
        const { reference, targetDate } = await retention.applyForDeletion(null, applicationInput(form));
        return reply.view('pages/deletion-application-received.njk', {
          ...pageLocals(services, request),
          received: { reference, targetDate },
          next: publicApplicationNext,
        });
      } catch (error) {
        return renderApply(request, reply, errorsOf(error), form);
      }
    },
  );

  app.get('/transparency/retention', { schema: pageSchema({ query: {} }) }, async (request, reply) =>
    reply.view('pages/transparency-retention.njk', {
      ...pageLocals(services, request),
      figures: await retention.figures(),
      rules: retention.rules,
    }),
  );
}

/** A person's retention page, with the errors and form of a refused change. */
function personPageRenderer({ services, retention }: RetentionPageKit) {
  return async (request: FastifyRequest, reply: FastifyReply, errors: { text: string }[] = [], form: Form = {}) => {
    const { id } = request.params as { id: string };
    const view = await retention.personRetention(pageContext(request), id);
    return reply.status(errors.length ? 400 : 200).view('pages/retention-person.njk', {
      ...pageLocals(services, request),
      view,
      errors,
      form,
      instrumentKinds,
      today: retention.today(),
    });
  };
}

/** An application page, with the errors and form of a refused change. */
function applicationPageRenderer({ services, retention }: RetentionPageKit) {
  return async (request: FastifyRequest, reply: FastifyReply, errors: { text: string }[] = [], form: Form = {}) => {
    const { id } = request.params as { id: string };
    const application = await retention.applicationFor(pageContext(request), id);
    return reply.status(errors.length ? 400 : 200).view('pages/retention-application.njk', {
      ...pageLocals(services, request),
      application,
      errors,
      form,
      groundOptions: deletionGrounds,
    });
  };
}
