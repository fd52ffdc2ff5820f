import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { CheckpointVerifier, Cosigner, ed25519KeyFile } from './modules/audit/index.ts';
import { WitnessState } from './modules/witness/index.ts';
import { registerWitnessRoutes } from './modules/witness/witness.routes.ts';

/**
 * A witness server (`leds witness serve`, and the demo's, started beside the LEDS server): its own key file, its
 * own state folder, the logs it follows by origin and verifier key. Nothing of LEDS's database or configuration.
 */
export interface WitnessOptions {
  name: string;
  keyFile: string;
  stateDir: string;
  /** Verifier keys of the logs followed; a log's origin is its key's name, as LEDS names its key. */
  logKeys: readonly string[];
  logger?: boolean;
  now?: () => Date;
}

export async function buildWitnessApp(options: WitnessOptions): Promise<{ app: FastifyInstance; verifierKey: string }> {
  const cosigner = new Cosigner(options.name, ed25519KeyFile(options.keyFile).key);
  const logs = new Map<string, CheckpointVerifier[]>();
  for (const key of options.logKeys) {
    const verifier = new CheckpointVerifier(key);
    logs.set(verifier.name, [...(logs.get(verifier.name) ?? []), verifier]);
  }
  const app = Fastify({ logger: options.logger ?? false });
  await app.register(helmet);
  await app.register(rateLimit, { max: 600, timeWindow: '1 minute' });
  registerWitnessRoutes(app, {
    cosigner,
    logs,
    state: new WitnessState(options.stateDir),
    now: options.now ?? (() => new Date()),
  });
  return { app, verifierKey: cosigner.verifierKey };
}
