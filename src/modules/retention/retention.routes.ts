import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ProblemSchema, PurposeHeaders, problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { RetentionConfig } from '../../config/config.ts';
import { deletionGroundCodes } from './deletion-grounds.ts';
import { RetentionService } from './retention.service.ts';
import {
  instrumentKinds,
  publicApplicationNext,
  publishedParameterNames,
  publishedParameters,
} from './retention.types.ts';

/** The services the retention API uses (the composition root passes all of them; these are what it reads). */
export interface RetentionRouteServices {
  retention: RetentionService;
  config: { retention: RetentionConfig };
}
type RetentionRouteApp = Parameters<FastifyPluginAsyncTypebox>[0];

const open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const date = () => Type.String({ format: 'date' });
const text = (maxLength = 2000) => Type.String({ maxLength });
const uuidParam = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

const GroundCode = Type.Union(deletionGroundCodes.map((code) => Type.Literal(code)));

const ApplicationIn = Type.Object(
  {
    applicantName: text(200),
    applicantDateOfBirth: date(),
    contact: text(500),
    eventReference: Type.String({ maxLength: 30, description: 'the arrest/summons number of the arrest or event' }),
    groundCodes: Type.Optional(
      Type.Array(GroundCode, {
        maxItems: deletionGroundCodes.length,
        uniqueItems: true,
        description: 'the grounds from the list',
      }),
    ),
    grounds: text(),
  },
  { additionalProperties: false },
);

/** Grounds the decider found met, each with the evidence recorded for it (deletion-grounds.ts). */
const GroundsMet = Type.Optional(
  Type.Array(Type.Object({ code: GroundCode, evidence: text() }, { additionalProperties: false }), {
    maxItems: deletionGroundCodes.length,
  }),
);

/** A decision on an application: one for every item, any item decided on its own, the grounds met. */
const DecisionIn = Type.Object(
  {
    decision: Type.Union([Type.Literal('GRANTED'), Type.Literal('REFUSED')], {
      description: 'for every item the application covers that is not decided on its own in `items`',
    }),
    reasons: text(),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            itemId: Type.String({ format: 'uuid' }),
            decision: Type.Union([Type.Literal('GRANTED'), Type.Literal('REFUSED')]),
            reason: Type.Optional(text()),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200 },
      ),
    ),
    groundsMet: GroundsMet,
    exceptionalGrantReason: Type.Optional(text()),
    policingPurpose: Type.Optional(text(500)),
    exceptionalReason: Type.Optional(text()),
  },
  { additionalProperties: false },
);

/** A force's deletion notices as a CSV download, for its local deletion run (the API and the page alike). */
export function sendNoticesCsv(reply: FastifyReply, notices: Parameters<typeof RetentionService.noticesCsv>[0]) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', 'attachment; filename="deletion-notices.csv"')
    .send(RetentionService.noticesCsv(notices));
}

/** Public: the rule set in force, the published figures, and the application form's API. No sign-in. */
export const publicRetentionRoutes: FastifyPluginAsyncTypebox<{ services: RetentionRouteServices }> = async (
  app,
  { services },
) => {
  const { retention } = services;
  const tags = ['retention (public)'];
  app.get(
    '/retention/rules',
    {
      schema: {
        tags,
        security: [],
        summary: 'The retention rule set in force, each rule with its citation, and the parameters the rules use',
        response: {
          200: Type.Object({
            version: Type.String(),
            rules: Type.Array(Type.Unknown()),
            /** What each rule's confidence mark means; `U` is unverified. */
            confidence: Type.Record(Type.String(), Type.String()),
            sources: Type.Record(Type.String(), Type.Object({ title: Type.String(), address: Type.String() })),
            parameters: Type.Object(Object.fromEntries(publishedParameterNames.map((name) => [name, Type.Unknown()])), {
              additionalProperties: false,
            }),
          }),
        },
      },
    },
    async () => ({
      version: retention.rules.version,
      rules: [...retention.rules.rules],
      confidence: retention.rules.confidence,
      sources: retention.rules.sources,
      // SECURITY: the rules' parameters, named one by one; never how the server is set up (files, batches, leases).
      parameters: publishedParameters(services.config.retention),
    }),
  );
  app.get(
    '/transparency/retention',
    {
      schema: {
        tags,
        security: [],
        summary: 'Custody images held by conviction status, deletions per month by rule, applications for deletion',
        response: { 200: open('counts only, never rows') },
      },
    },
    async () => retention.figures(),
  );
  app.post(
    '/deletion-applications',
    {
      schema: {
        tags,
        security: [],
        summary: 'Apply for deletion of a custody image or record, naming the arrest or event (no sign-in)',
        body: ApplicationIn,
        response: {
          201: Type.Object({ reference: Type.String(), targetDate: Type.String(), next: Type.String() }),
          ...problemResponses,
          429: ProblemSchema,
        },
      },
      // SECURITY: rate limited per client address, one counter with the public page's form.
      onRequest: app.rateLimits.publicForm,
    },
    async (request, reply) => {
      // SECURITY: the same answer whatever the number: its reference and what happens next. Whether the arrest
      // exists, and which force holds it, is for staff to find out (issue 11 item 4).
      const { reference, targetDate } = await retention.applyForDeletion(null, request.body);
      return reply.status(201).send({ reference, targetDate, next: publicApplicationNext });
    },
  );
};

/** For retention officers and force systems, signed in. */
export const retentionRoutes: FastifyPluginAsyncTypebox<{ services: RetentionRouteServices }> = async (
  app,
  { services },
) => {
  const { retention } = services;
  const tags = ['retention'];
  registerDeletionNoticeRoutes(app, retention, tags);
  registerRetentionReadRoutes(app, retention, tags);
  registerInstrumentRoutes(app, retention, tags);
  registerReviewRoutes(app, retention, tags);
  registerApplicationIntakeRoutes(app, retention, tags);
  registerApplicationDecisionRoutes(app, retention, tags);
};

/** A force's deletion notices: listed, downloaded and acknowledged. */
function registerDeletionNoticeRoutes(app: RetentionRouteApp, retention: RetentionService, tags: string[]) {
  app.get(
    '/deletion-notices',
    {
      schema: {
        tags,
        summary: "Your organisation's deletion notices: delete these records from your local systems, then acknowledge",
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('PENDING'), Type.Literal('ACKNOWLEDGED'), Type.Literal('ALL')]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ notices: Type.Array(open('a deletion notice')) }), ...problemResponses },
      },
    },
    async (request) => ({ notices: await retention.noticesFor(contextOf(request), { status: request.query.status }) }),
  );

  app.get(
    '/deletion-notices.csv',
    {
      schema: {
        tags,
        summary: "Your organisation's pending deletion notices as CSV, for a local deletion run",
        produces: ['text/csv'],
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('PENDING'), Type.Literal('ACKNOWLEDGED'), Type.Literal('ALL')]),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      sendNoticesCsv(reply, await retention.noticesFor(contextOf(request), { status: request.query.status })),
  );

  app.post(
    '/deletion-notices/:id/acknowledgement',
    {
      schema: {
        tags,
        summary: 'Acknowledge that the record has been deleted from your local systems',
        params: uuidParam,
        response: { 200: open('the acknowledged notice'), ...problemResponses },
      },
    },
    async (request) => retention.acknowledgeNotice(contextOf(request), request.params.id),
  );
}

/** A person's retention, what is due, and the plan of what a sweep would do. */
function registerRetentionReadRoutes(app: RetentionRouteApp, retention: RetentionService, tags: string[]) {
  app.get(
    '/retention/people/:id',
    {
      schema: {
        tags,
        summary: "A person's retention: each item's rule, next action and date (purpose DATA_QUALITY)",
        headers: PurposeHeaders,
        params: uuidParam,
        response: { 200: open('decisions, instruments, reviews, tombstones'), ...problemResponses },
      },
    },
    async (request) => retention.personRetention(contextOf(request), request.params.id),
  );

  app.get(
    '/retention/due',
    {
      schema: {
        tags,
        summary: 'What is due: reviews and destructions, holds, applications and overdue notices',
        response: { 200: open('the retention desk'), ...problemResponses },
      },
    },
    async (request) => retention.overview(contextOf(request)),
  );

  app.get(
    '/retention/plan',
    {
      schema: {
        tags,
        summary: "What a sweep on a date would destroy or put before a reviewer of your force's items; changes nothing",
        querystring: Type.Object({ asOf: date() }, { additionalProperties: false }),
        response: { 200: open('the plan'), ...problemResponses },
      },
    },
    async (request) => retention.planFor(contextOf(request), request.query.asOf),
  );
}

/** Instruments recorded and ended. */
function registerInstrumentRoutes(app: RetentionRouteApp, retention: RetentionService, tags: string[]) {
  app.post(
    '/retention/instruments',
    {
      schema: {
        tags,
        summary: 'Record an extension, consent, determination, court order, exceptional retention or legal hold',
        body: Type.Object(
          {
            kind: Type.Union(instrumentKinds.map((k) => Type.Literal(k))),
            itemId: Type.Optional(Type.String({ format: 'uuid' })),
            personId: Type.Optional(Type.String({ format: 'uuid' })),
            appliedOn: Type.Optional(date()),
            madeOn: date(),
            until: Type.Optional(date()),
            madeBy: text(300),
            evidence: text(),
            policingPurpose: Type.Optional(text(500)),
          },
          { additionalProperties: false },
        ),
        response: { 201: open('the instrument'), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await retention.recordInstrument(contextOf(request), request.body)),
  );

  app.post(
    '/retention/instruments/:id/end',
    {
      schema: {
        tags,
        summary: 'End an instrument: consent withdrawn, hold lifted, determination revoked',
        params: uuidParam,
        body: Type.Object({ endedOn: date(), reason: text() }, { additionalProperties: false }),
        response: { 200: open('what changed'), ...problemResponses },
      },
    },
    async (request) =>
      retention.endInstrument(contextOf(request), request.params.id, request.body.endedOn, request.body.reason),
  );
}

/** Reviews, and convictions disregarded. */
function registerReviewRoutes(app: RetentionRouteApp, retention: RetentionService, tags: string[]) {
  app.post(
    '/retention/reviews',
    {
      schema: {
        tags,
        summary: 'Record a review: keep with a reason, or dispose (which deletes the item)',
        body: Type.Object(
          {
            itemId: Type.String({ format: 'uuid' }),
            outcome: Type.Union([Type.Literal('KEEP'), Type.Literal('DISPOSE')]),
            reason: text(),
            policingPurpose: Type.Optional(text(500)),
            childrenActRegard: Type.Optional(text()),
          },
          { additionalProperties: false },
        ),
        response: { 200: open('what changed'), ...problemResponses },
      },
    },
    async (request) => retention.recordReview(contextOf(request), request.body),
  );

  app.post(
    '/retention/disregards',
    {
      schema: {
        tags,
        summary: "Delete a conviction on the Secretary of State's direction (PoFA Part 5 Ch 4)",
        body: Type.Object(
          { disposalId: Type.String({ format: 'uuid' }), direction: text() },
          { additionalProperties: false },
        ),
        response: { 200: open('what changed'), ...problemResponses },
      },
    },
    async (request) =>
      retention.disregardConviction(contextOf(request), request.body.disposalId, request.body.direction),
  );
}

/** An application for deletion read, matched, or entered by staff. */
function registerApplicationIntakeRoutes(app: RetentionRouteApp, retention: RetentionService, tags: string[]) {
  app.get(
    '/deletion-applications/:id',
    {
      schema: {
        tags,
        summary: "An application for deletion, for the owning force's retention officer (any force's while unmatched)",
        params: uuidParam,
        response: { 200: open('the application'), ...problemResponses },
      },
    },
    async (request) => retention.applicationFor(contextOf(request), request.params.id),
  );

  app.post(
    '/deletion-applications/:id/match',
    {
      schema: {
        tags,
        summary: 'Match an unmatched application to the arrest it meant; it then belongs to that arrest’s force',
        params: uuidParam,
        body: Type.Object(
          { eventReference: Type.String({ maxLength: 30, description: 'the arrest/summons number' }) },
          { additionalProperties: false },
        ),
        response: { 200: open('the application'), ...problemResponses },
      },
    },
    async (request) => retention.matchApplication(contextOf(request), request.params.id, request.body.eventReference),
  );

  app.post(
    '/deletion-applications/staff-entry',
    {
      schema: {
        tags,
        summary: 'Enter an application for deletion on a person’s behalf',
        body: ApplicationIn,
        response: { 201: open('the application reference, status and target date'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const received = await retention.applyForDeletion(ctx, request.body);
      if (await retention.handlesApplication(ctx, received)) return reply.status(201).send(received);
      // SECURITY: as on the page, someone who may not decide it gets the reference and target date only: its status
      // or owner would tell them whether their force holds an arrest by that number.
      return reply
        .status(201)
        .send({ reference: received.reference, targetDate: received.targetDate, next: publicApplicationNext });
    },
  );
}

/** An application for deletion decided, its applicant told, its appeal. */
function registerApplicationDecisionRoutes(app: RetentionRouteApp, retention: RetentionService, tags: string[]) {
  app.post(
    '/deletion-applications/:id/decision',
    {
      schema: {
        tags,
        summary:
          "The chief officer's delegate decides each item the application covers (the event, its custody images, its fingerprints and DNA), with reasons and the grounds met",
        params: uuidParam,
        body: DecisionIn,
        response: { 200: open('the application'), ...problemResponses },
      },
    },
    async (request) => retention.decideApplication(contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/deletion-applications/:id/applicant-told',
    {
      schema: {
        tags,
        summary: 'Record that the applicant was told the outcome',
        params: uuidParam,
        response: { 200: open('the application'), ...problemResponses },
      },
    },
    async (request) => retention.recordApplicantTold(contextOf(request), request.params.id),
  );

  app.post(
    '/deletion-applications/:id/appeal',
    {
      schema: {
        tags,
        summary: 'Lodge an appeal against a refusal (grounds), or decide it (outcome and reasons)',
        params: uuidParam,
        body: Type.Object(
          {
            grounds: Type.Optional(text()),
            outcome: Type.Optional(Type.Union([Type.Literal('UPHELD'), Type.Literal('DISMISSED')])),
            reasons: Type.Optional(text()),
            items: Type.Optional(
              Type.Array(Type.String({ format: 'uuid' }), {
                maxItems: 200,
                description: 'the refused items an upheld appeal grants (all of them if left out)',
              }),
            ),
            groundsMet: GroundsMet,
            exceptionalGrantReason: Type.Optional(text()),
          },
          { additionalProperties: false },
        ),
        response: { 200: open('the application'), ...problemResponses },
      },
    },
    async (request) => retention.appeal(contextOf(request), request.params.id, request.body),
  );
}
