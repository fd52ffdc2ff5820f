import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import { Type } from 'typebox';
import type { AccessDecisions } from './access.decisions.ts';
import type { AgreementsService } from './agreements.service.ts';

const RegisterEntry = Type.Object({
  organisation: Type.String(),
  organisationKind: Type.String(),
  agreement: Type.String(),
  status: Type.String(),
  dataset: Type.String(),
  datasetName: Type.String(),
  access: Type.String(),
  operations: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  validFrom: Type.String(),
  validTo: Type.String(),
  reviewDue: Type.String(),
});

/** What the access register routes read: the agreements in force and the policies' version. */
export interface AccessRegisterRouteServices {
  decisions: Pick<AccessDecisions, 'policyVersion'>;
  agreements: Pick<AgreementsService, 'accessRegister'>;
}

/** The published access register: public, no sign-in (brief 3.2; Open Space workshop 3). */
export const accessRegisterRoutes: FastifyPluginAsyncTypebox<{ services: AccessRegisterRouteServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/access-register',
    {
      schema: {
        tags: ['transparency'],
        summary: 'Which organisations have access to which datasets, for which purposes, read or write, and until when',
        security: [],
        response: { 200: Type.Object({ policyVersion: Type.String(), entries: Type.Array(RegisterEntry) }) },
      },
    },
    async () => ({
      policyVersion: services.decisions.policyVersion,
      entries: await services.agreements.accessRegister(),
    }),
  );

  app.get(
    '/access-register.csv',
    { schema: { tags: ['transparency'], summary: 'The access register as CSV', security: [] } },
    async (_request, reply) => {
      const entries = await services.agreements.accessRegister();
      const csv = stringify(
        entries.map((e) => ({ ...e, operations: e.operations.join(' '), purposes: e.purposes.join(' ') })),
        { header: true, columns: Object.keys(RegisterEntry.properties) },
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="leds-access-register.csv"')
        .send(csv);
    },
  );
};
