import type { FastifyInstance } from 'fastify';
import { addCheckpoint, type WitnessSettings } from './add-checkpoint.ts';

/**
 * The witness's HTTP interface (c2sp.org/tlog-witness), with the submission prefix at the root. Bodies are text;
 * the answer is the status and body the protocol gives, so any tlog-witness client can use it.
 */
export function registerWitnessRoutes(app: FastifyInstance, settings: WitnessSettings): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  app.post('/add-checkpoint', async (request, reply) => {
    const answer = await addCheckpoint(settings, typeof request.body === 'string' ? request.body : '');
    return reply.status(answer.status).type(answer.contentType).send(answer.body);
  });
  // What the witness is: its name and key, and the logs it follows, for whoever sets up a log or a verifier.
  app.get('/', async (_request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .send(
        [
          `witness ${settings.cosigner.name}`,
          `key ${settings.cosigner.verifierKey}`,
          ...[...settings.logs.keys()].map((origin) => `log ${origin}`),
          '',
        ].join('\n'),
      ),
  );
}
