import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PurposeHeaders, problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { Services } from '../../composition.ts';
import {
  BiometricReferenceView,
  CustodyImageView,
  EventView,
  PersonRecordView,
  PersonSearchQuery,
  PersonSummary,
} from './records.schemas.ts';

const PersonParams = Type.Object({ personId: Type.String({ maxLength: 64 }) });

/** JSON resources for people and their events, custody images and biometric references. Thin: services decide. */
export const recordsRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { records } = services;

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
    async (request) => ({ people: await records.searchPeople(contextOf(request), request.query) }),
  );

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
    async (request) => records.viewPerson(contextOf(request), request.params.personId),
  );

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
    async (request) => ({ events: await records.personSection(contextOf(request), request.params.personId, 'events') }),
  );

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
      custodyImages: await records.personSection(contextOf(request), request.params.personId, 'custodyImages'),
    }),
  );

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
      const image = await records.custodyImageContent(
        contextOf(request),
        request.params.personId,
        request.params.imageId,
      );
      return reply.type(image.mediaType).header('cache-control', 'no-store').send(image.bytes);
    },
  );

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
      biometricReferences: await records.personSection(
        contextOf(request),
        request.params.personId,
        'biometricReferences',
      ),
    }),
  );

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
      missingPersonReports: await records.personSection(
        contextOf(request),
        request.params.personId,
        'missingPersonReports',
      ),
    }),
  );

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
      associates: await records.personSection(contextOf(request), request.params.personId, 'associates'),
    }),
  );

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
};
