import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PurposeHeaders, problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { Config } from '../../config/config.ts';
import {
  BiometricReferenceView,
  CustodyImageView,
  EventView,
  PersonRecordView,
  PersonSearchQuery,
  PersonSummary,
} from './records.schemas.ts';
import type { RecordsService } from './records.service.ts';

const PersonParams = Type.Object({ personId: Type.String({ maxLength: 64 }) });

/** What the records routes use: the records service's reads, and the purposes a caller may declare. */
export interface RecordsRouteServices {
  records: Pick<RecordsService, 'searchPeople' | 'viewPerson' | 'personSection' | 'custodyImageContent'>;
  config: Pick<Config, 'purposes'>;
}

type RecordsApp = Parameters<FastifyPluginAsyncTypebox>[0];

/** JSON resources for people and their events, custody images and biometric references. Thin: services decide. */
export const recordsRoutes: FastifyPluginAsyncTypebox<{ services: RecordsRouteServices }> = async (
  app,
  { services },
) => {
  registerPersonSearchRoute(app, services);
  registerPersonRecordRoute(app, services);
  registerEventsRoute(app, services);
  registerCustodyImagesRoute(app, services);
  registerCustodyImageContentRoute(app, services);
  registerBiometricReferencesRoute(app, services);
  registerMissingPersonReportsRoute(app, services);
  registerAssociatesRoute(app, services);
  registerPurposesRoute(app, services);
};

/** Find people by identifier or by name. */
function registerPersonSearchRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people',
    {
      schema: {
        tags: ['people'],
        summary: 'Find people by PNC ID, CRO number, or surname with forename and/or date of birth',
        querystring: PersonSearchQuery,
        headers: PurposeHeaders,
        response: { 200: Type.Object({ people: Type.Array(PersonSummary) }), ...problemResponses },
      },
    },
    async (request) => ({ people: await services.records.searchPeople(contextOf(request), request.query) }),
  );
}

/** A person's whole record, cut down by the protected view. */
function registerPersonRecordRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people/:personId',
    {
      schema: {
        tags: ['people'],
        summary: "A person's whole record",
        params: PersonParams,
        headers: PurposeHeaders,
        response: { 200: PersonRecordView, ...problemResponses },
      },
    },
    async (request) => services.records.viewPerson(contextOf(request), request.params.personId),
  );
}

/** A person's events. */
function registerEventsRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people/:personId/events',
    {
      schema: {
        tags: ['people'],
        summary: "A person's arrests and summonses with charges, court cases, disposals and custody records",
        params: PersonParams,
        headers: PurposeHeaders,
        response: { 200: Type.Object({ events: Type.Array(EventView) }), ...problemResponses },
      },
    },
    async (request) => ({
      events: await services.records.personSection(contextOf(request), request.params.personId, 'events'),
    }),
  );
}

/** A person's custody images (metadata). */
function registerCustodyImagesRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people/:personId/custody-images',
    {
      schema: {
        tags: ['people'],
        summary: "A person's custody images (metadata; fetch the bytes from /content)",
        params: PersonParams,
        headers: PurposeHeaders,
        response: { 200: Type.Object({ custodyImages: Type.Array(CustodyImageView) }), ...problemResponses },
      },
    },
    async (request) => ({
      custodyImages: await services.records.personSection(contextOf(request), request.params.personId, 'custodyImages'),
    }),
  );
}

/** The bytes of one custody image. */
function registerCustodyImageContentRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people/:personId/custody-images/:imageId/content',
    {
      schema: {
        tags: ['people'],
        summary: 'The bytes of a custody image',
        params: Type.Object({ personId: Type.String({ maxLength: 64 }), imageId: Type.String({ maxLength: 64 }) }),
        headers: PurposeHeaders,
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'PNG or JPEG bytes' }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const image = await services.records.custodyImageContent(
        contextOf(request),
        request.params.personId,
        request.params.imageId,
      );
      return reply.type(image.mediaType).header('cache-control', 'no-store').send(image.bytes);
    },
  );
}

/** A person's biometric references. */
function registerBiometricReferencesRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people/:personId/biometric-references',
    {
      schema: {
        tags: ['people'],
        summary: "A person's fingerprint (IDENT1) and DNA (NDNAD) references",
        params: PersonParams,
        headers: PurposeHeaders,
        response: {
          200: Type.Object({ biometricReferences: Type.Array(BiometricReferenceView) }),
          ...problemResponses,
        },
      },
    },
    async (request) => ({
      biometricReferences: await services.records.personSection(
        contextOf(request),
        request.params.personId,
        'biometricReferences',
      ),
    }),
  );
}

/** A person's missing person reports. */
function registerMissingPersonReportsRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people/:personId/missing-person-reports',
    {
      schema: {
        tags: ['people'],
        summary: "A person's missing person reports (never for immigration enforcement)",
        params: PersonParams,
        headers: PurposeHeaders,
        response: {
          200: Type.Object({ missingPersonReports: PersonRecordView.properties.missingPersonReports.anyOf[0] }),
          ...problemResponses,
        },
      },
    },
    async (request) => ({
      missingPersonReports: await services.records.personSection(
        contextOf(request),
        request.params.personId,
        'missingPersonReports',
      ),
    }),
  );
}

/** A person's family and associates. */
function registerAssociatesRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/people/:personId/associates',
    {
      schema: {
        tags: ['people'],
        summary: "A person's family and associates (needs its own grant)",
        params: PersonParams,
        headers: PurposeHeaders,
        response: {
          200: Type.Object({ associates: PersonRecordView.properties.associates.anyOf[0] }),
          ...problemResponses,
        },
      },
    },
    async (request) => ({
      associates: await services.records.personSection(contextOf(request), request.params.personId, 'associates'),
    }),
  );
}

/** The purposes a caller may declare. */
function registerPurposesRoute(app: RecordsApp, services: RecordsRouteServices) {
  app.get(
    '/purposes',
    {
      schema: {
        tags: ['people'],
        summary: 'The purposes a caller may declare',
        response: {
          200: Type.Object({
            purposes: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                regime: Type.String(),
                description: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ purposes: services.config.purposes }),
  );
}
