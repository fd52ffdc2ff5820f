import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { AccessApplicationsService } from './access-applications.service.ts';

const date = () => Type.String({ format: 'date' });
const Item = Type.Object({
  id: Type.String(),
  dataset: Type.String(),
  operations: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  legalBasis: Type.String(),
  businessCase: Type.String(),
  decision: Type.Union([Type.String(), Type.Null()]),
  decisionReason: Type.Union([Type.String(), Type.Null()]),
});
const nullableString = Type.Union([Type.String(), Type.Null()]);
const Application = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  organisation: Type.String(),
  status: Type.String(),
  submittedBy: Type.String(),
  requestedValidTo: Type.String(),
  decidedBy: nullableString,
  decisionReason: nullableString,
  appealGrounds: nullableString,
  appealReason: nullableString,
  agreementReference: nullableString,
  items: Type.Array(Item),
});
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Dates = { validFrom: date(), validTo: date(), reviewDue: date() };

/** An application: per dataset, the purposes, legal basis and business case. */
const Submission = Type.Object(
  {
    requestedValidTo: date(),
    items: Type.Array(
      Type.Object(
        {
          dataset: Type.String(),
          purposes: Type.Array(Type.String()),
          legalBasis: Type.String(),
          businessCase: Type.String(),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);

/** The panel's decision on each dataset, with reasons and the agreement's dates. */
const PanelDecision = Type.Object(
  {
    reason: Type.String(),
    items: Type.Array(
      Type.Object(
        {
          itemId: Type.String(),
          decision: Type.Union([Type.Literal('APPROVED'), Type.Literal('REFUSED')]),
          reason: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    ...Dates,
  },
  { additionalProperties: false },
);

const AppealDecision = Type.Object(
  { outcome: Type.Union([Type.Literal('UPHELD'), Type.Literal('DISMISSED')]), reason: Type.String(), ...Dates },
  { additionalProperties: false },
);

const Reviews = Type.Object({
  reviews: Type.Array(
    Type.Object({
      reference: Type.String(),
      organisation: Type.String(),
      status: Type.String(),
      reviewDue: Type.String(),
      validTo: Type.String(),
    }),
  ),
});

/** Applications for access and the panel's decisions, over the API. */
export interface AccessApplicationRouteServices {
  applications: Pick<
    AccessApplicationsService,
    'submit' | 'list' | 'get' | 'decide' | 'appeal' | 'decideAppeal' | 'reviewsDue'
  >;
}

type RouteApp = Parameters<FastifyPluginAsyncTypebox>[0];
const tags = ['access applications'];

/** Applications for access and the panel's decisions, over the API. */
export const accessApplicationRoutes: FastifyPluginAsyncTypebox<{ services: AccessApplicationRouteServices }> = async (
  app,
  { services },
) => {
  registerApplyingRoutes(app, services);
  registerPanelRoutes(app, services);
};

/** Applying, and reading the applications one may see. */
function registerApplyingRoutes(app: RouteApp, { applications }: AccessApplicationRouteServices): void {
  app.post(
    '/access-applications',
    {
      schema: {
        tags,
        summary: 'Apply for access: per dataset, the purposes, legal basis and business case',
        body: Submission,
        response: { 201: Application, ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await applications.submit(contextOf(request), request.body)),
  );

  app.get(
    '/access-applications',
    {
      schema: {
        tags,
        summary: 'Applications you may see',
        response: { 200: Type.Object({ applications: Type.Array(Application) }), ...problemResponses },
      },
    },
    async (request) => ({
      applications: await applications.list(contextOf(request)),
    }),
  );

  app.get(
    '/access-applications/:id',
    { schema: { tags, summary: 'One application', params: Id, response: { 200: Application, ...problemResponses } } },
    async (request) => applications.get(contextOf(request), request.params.id),
  );
}

/** The panel's decision, an appeal and its decision, and the agreements due for review. */
function registerPanelRoutes(app: RouteApp, { applications }: AccessApplicationRouteServices): void {
  app.post(
    '/access-applications/:id/decision',
    {
      schema: {
        tags,
        summary: "The panel's decision: approve or refuse each dataset with reasons; approval creates the agreement",
        params: Id,
        body: PanelDecision,
        response: { 200: Application, ...problemResponses },
      },
    },
    async (request) => applications.decide(contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/access-applications/:id/appeal',
    {
      schema: {
        tags,
        summary: 'Appeal a refusal or partial approval',
        params: Id,
        body: Type.Object({ grounds: Type.String() }, { additionalProperties: false }),
        response: { 200: Application, ...problemResponses },
      },
    },
    async (request) => applications.appeal(contextOf(request), request.params.id, request.body.grounds),
  );

  app.post(
    '/access-applications/:id/appeal-decision',
    {
      schema: {
        tags,
        summary: 'The panel decides an appeal',
        params: Id,
        body: AppealDecision,
        response: { 200: Application, ...problemResponses },
      },
    },
    async (request) => applications.decideAppeal(contextOf(request), request.params.id, request.body),
  );

  app.get(
    '/agreement-reviews',
    {
      schema: {
        tags,
        summary: 'Agreements whose review is due within 30 days',
        response: {
          200: Reviews,
          ...problemResponses,
        },
      },
    },
    async (request) => ({ reviews: await applications.reviewsDue(contextOf(request)) }),
  );
}
