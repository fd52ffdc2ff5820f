import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../../api/problem.schemas.ts';
import type { AuditService } from './audit.service.ts';

/** What the public audit routes use: the log's checkpoint, proofs and figures. */
export interface PublicAuditRouteServices {
  audit: Pick<
    AuditService,
    'origin' | 'verifierKey' | 'latestCheckpoint' | 'inclusionProof' | 'consistencyProof' | 'monthlyFigures'
  >;
}

/** The instance a TypeBox route plugin is given, for the functions that register one route each. */
type Api = Parameters<FastifyPluginAsyncTypebox>[0];
type PublicAudit = PublicAuditRouteServices['audit'];

const Checkpoint = Type.Object({
  origin: Type.String(),
  treeSize: Type.Integer(),
  rootHash: Type.String({ description: 'base64 SHA-256 root of the RFC 9162 tree' }),
  signedAt: Type.String(),
  note: Type.String({ description: 'the C2SP signed note: origin, size, root, blank line, Ed25519 signature' }),
});
const Figure = Type.Object({
  month: Type.String(),
  organisationKind: Type.String(),
  action: Type.String(),
  purpose: Type.String(),
  count: Type.Integer(),
});
const count = () => Type.String({ pattern: '^[0-9]{1,15}$' });
const tags = ['audit (public)'];

/** The newest signed checkpoint as the public sees it, or null before the first. */
async function checkpointView(audit: PublicAudit) {
  const latest = await audit.latestCheckpoint();
  return latest
    ? {
        origin: audit.origin,
        treeSize: latest.treeSize,
        rootHash: latest.rootHash.toString('base64'),
        signedAt: latest.signedAt.toISOString(),
        note: latest.note,
      }
    : null;
}

function registerCheckpointRoute(app: Api, audit: PublicAudit) {
  app.get(
    '/audit/checkpoint',
    {
      schema: {
        tags,
        security: [],
        summary: 'The newest signed checkpoint of the audit log, and the key that checks it',
        response: {
          200: Type.Object({ verifierKey: Type.String(), checkpoint: Type.Union([Checkpoint, Type.Null()]) }),
        },
      },
    },
    async () => ({ verifierKey: audit.verifierKey, checkpoint: await checkpointView(audit) }),
  );
}

function registerProofRoutes(app: Api, audit: PublicAudit) {
  app.get(
    '/audit/proofs/inclusion',
    {
      schema: {
        tags,
        security: [],
        summary: 'RFC 9162 inclusion proof of one entry in the tree of a given size',
        querystring: Type.Object({ seq: count(), treeSize: count() }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            seq: Type.Integer(),
            treeSize: Type.Integer(),
            leafHash: Type.String(),
            rootHash: Type.String(),
            proof: Type.Array(Type.String()),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => audit.inclusionProof(Number(request.query.seq), Number(request.query.treeSize)),
  );

  app.get(
    '/audit/proofs/consistency',
    {
      schema: {
        tags,
        security: [],
        summary: 'RFC 9162 consistency proof that the tree of size `to` extends the tree of size `from`',
        querystring: Type.Object({ from: count(), to: count() }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            from: Type.Integer(),
            to: Type.Integer(),
            fromRoot: Type.String(),
            toRoot: Type.String(),
            proof: Type.Array(Type.String()),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => audit.consistencyProof(Number(request.query.from), Number(request.query.to)),
  );
}

function registerMonthlyFiguresRoute(app: Api, audit: PublicAudit) {
  app.get(
    '/transparency/audit',
    {
      schema: {
        tags,
        security: [],
        summary: 'Monthly counts of audited actions by organisation type, action and purpose: aggregates, never rows',
        response: {
          200: Type.Object({
            verifierKey: Type.String(),
            checkpoint: Type.Union([Checkpoint, Type.Null()]),
            monthly: Type.Array(Figure),
          }),
        },
      },
    },
    async () => ({
      verifierKey: audit.verifierKey,
      checkpoint: await checkpointView(audit),
      monthly: await audit.monthlyFigures(),
    }),
  );
}

/** Public: the newest signed checkpoint, proofs, and monthly figures. Anyone can check the log. */
export const publicAuditRoutes: FastifyPluginAsyncTypebox<{ services: PublicAuditRouteServices }> = async (
  app,
  { services },
) => {
  registerCheckpointRoute(app, services.audit);
  registerProofRoutes(app, services.audit);
  registerMonthlyFiguresRoute(app, services.audit);
};
