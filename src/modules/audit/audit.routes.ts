import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PurposeHeaders, problemResponses } from '../../api/problem.schemas.ts';
import { contextOf } from '../../api/request-context.ts';
import type { Services } from '../../composition.ts';

const nullableString = Type.Union([Type.String(), Type.Null()]);
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
const EntrySummary = Type.Object({
  seq: Type.Integer(),
  recordedAt: Type.String(),
  kind: Type.String(),
  action: Type.String(),
  outcome: Type.String(),
  actorName: Type.String(),
  organisationCode: nullableString,
  purpose: nullableString,
  caseReference: nullableString,
  channel: Type.String(),
  subjects: Type.Array(Type.String()),
});
const count = () => Type.String({ pattern: '^[0-9]{1,15}$' });

/** Public: the newest signed checkpoint, proofs, and monthly figures. Anyone can check the log. */
export const publicAuditRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { audit } = services;
  const tags = ['audit (public)'];

  const checkpointView = async () => {
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
  };

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
    async () => ({ verifierKey: audit.verifierKey, checkpoint: await checkpointView() }),
  );

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
      checkpoint: await checkpointView(),
      monthly: await audit.monthlyFigures(),
    }),
  );
};

/** For auditors: cases, searching the log, one entry with its proof and what the user saw, patterns, holds. */
export const auditorRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { audit } = services;
  const tags = ['audit'];

  app.post(
    '/audit/cases',
    {
      schema: {
        tags,
        summary: 'Open an audit case; its reference is then sent as the case reference with the AUDIT purpose',
        body: Type.Object({ reason: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ id: Type.String(), reference: Type.String(), reason: Type.String() }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const opened = await audit.openCase(contextOf(request), request.body.reason);
      return reply.status(201).send({ id: opened.id, reference: opened.reference, reason: opened.reason });
    },
  );

  app.get(
    '/audit/entries',
    {
      schema: {
        tags,
        summary: 'Search the audit log by person, user, organisation, purpose, kind, outcome and dates',
        headers: PurposeHeaders,
        querystring: Type.Object(
          {
            personId: Type.Optional(Type.String({ maxLength: 64 })),
            actorId: Type.Optional(Type.String({ maxLength: 200 })),
            organisationCode: Type.Optional(Type.String({ maxLength: 40 })),
            purpose: Type.Optional(Type.String({ maxLength: 40 })),
            kind: Type.Optional(Type.String({ maxLength: 60 })),
            outcome: Type.Optional(
              Type.Union([Type.Literal('ALLOWED'), Type.Literal('DENIED'), Type.Literal('FAILED')]),
            ),
            from: Type.Optional(Type.String({ format: 'date' })),
            to: Type.Optional(Type.String({ format: 'date' })),
            before: Type.Optional(count()),
            limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ entries: Type.Array(EntrySummary) }), ...problemResponses },
      },
    },
    async (request) => {
      const { before, limit, ...criteria } = request.query;
      return {
        entries: await audit.searchEntries(contextOf(request), {
          ...criteria,
          before: before === undefined ? undefined : Number(before),
          limit: limit === undefined ? undefined : Number(limit),
        }),
      };
    },
  );

  app.get(
    '/audit/entries/:seq',
    {
      schema: {
        tags,
        summary: 'One entry: what it records, its inclusion proof, and what the user was shown',
        headers: PurposeHeaders,
        params: Type.Object({ seq: count() }),
        response: {
          200: Type.Object({
            entry: Type.Unknown(),
            leafHash: Type.String(),
            proof: Type.Object({
              treeSize: Type.Integer(),
              rootHash: Type.String(),
              hashes: Type.Array(Type.String()),
              checkpoint: nullableString,
            }),
            shown: Type.Object({
              state: Type.String(),
              content: Type.Unknown(),
              matchesEntry: Type.Union([Type.Boolean(), Type.Null()]),
            }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => audit.entry(contextOf(request), Number(request.params.seq)),
  );

  app.get(
    '/audit/patterns',
    {
      schema: {
        tags,
        summary: 'Unusual volumes, look-ups of the user’s own surname or postcode, out-of-hours use, repeated refusals',
        headers: PurposeHeaders,
        querystring: Type.Object(
          { from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => audit.patterns(contextOf(request), request.query),
  );

  app.post(
    '/audit/legal-holds',
    {
      schema: {
        tags,
        summary: 'Keep what users were shown about a person or by a user past the audit retention period',
        body: Type.Object(
          {
            subjectKind: Type.Union([Type.Literal('PERSON'), Type.Literal('USER')]),
            subjectId: Type.String({ minLength: 1, maxLength: 200 }),
            reason: Type.String({ maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String() }), ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await audit.placeLegalHold(contextOf(request), request.body)),
  );
};
