import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../../api/problem.schemas.ts';
import type { AuditService } from './audit.service.ts';

/** What the public audit routes use: the log's checkpoint, proofs and figures. */
export interface PublicAuditRouteServices {
  audit: Pick<
    AuditService,
    | 'origin'
    | 'verifierKey'
    | 'latestCosignedCheckpoint'
    | 'checkpointPage'
    | 'witnessKeys'
    | 'inclusionProof'
    | 'consistencyProof'
    | 'monthlyFigures'
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
  note: Type.String({
    description:
      "the C2SP signed note: origin, size, root, blank line, the log's Ed25519 signature and the witnesses' cosignatures",
  }),
});
const Witnesses = Type.Object({
  quorum: Type.Integer({ description: 'how many witnesses must cosign a checkpoint for it to count as witnessed' }),
  witnesses: Type.Array(
    Type.Object({
      name: Type.String(),
      verifierKey: Type.String({ description: 'c2sp.org/tlog-cosignature Ed25519 key (type 0x04)' }),
      url: Type.String({ description: 'the witness submission prefix (c2sp.org/tlog-witness)' }),
    }),
  ),
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
  const latest = await audit.latestCosignedCheckpoint();
  return latest
    ? {
        origin: audit.origin,
        treeSize: latest.treeSize,
        rootHash: latest.rootHash.toString('base64'),
        signedAt: latest.signedAt.toISOString(),
        note: latest.cosigned,
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
          200: Type.Object({
            verifierKey: Type.String(),
            checkpoint: Type.Union([Checkpoint, Type.Null()]),
            witnesses: Witnesses,
          }),
        },
      },
    },
    async () => ({
      verifierKey: audit.verifierKey,
      checkpoint: await checkpointView(audit),
      witnesses: audit.witnessKeys,
    }),
  );
  app.get(
    '/audit/checkpoints',
    {
      schema: {
        tags,
        security: [],
        summary: 'Every signed checkpoint, smallest first, with its cosignatures: keep a copy to hold the log to it',
        querystring: Type.Object(
          {
            afterSize: Type.Optional(count()),
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,2}|1000)$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            checkpoints: Type.Array(
              Type.Object({ treeSize: Type.Integer(), signedAt: Type.String(), note: Type.String() }),
            ),
            next: Type.Union([Type.String(), Type.Null()], { description: 'the address of the next page, if any' }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const limit = Number(request.query.limit ?? 100);
      const page = await audit.checkpointPage(Number(request.query.afterSize ?? 0), limit);
      return {
        checkpoints: page.checkpoints,
        next:
          page.nextAfterSize === undefined
            ? null
            : `/api/v1/audit/checkpoints?afterSize=${page.nextAfterSize}&limit=${limit}`,
      };
    },
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
            witnesses: Witnesses,
            monthly: Type.Array(Figure),
          }),
        },
      },
    },
    async () => ({
      verifierKey: audit.verifierKey,
      checkpoint: await checkpointView(audit),
      witnesses: audit.witnessKeys,
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
