import { Cosigner, ed25519KeyFile } from '../modules/audit/index.ts';
import { buildWitnessApp } from '../witness-app.ts';

export interface WitnessServeOptions {
  name: string;
  keyFile: string;
  stateDir: string;
  log: string[];
  host: string;
  port: number;
}

/** `leds witness serve`: runs until stopped; a second signal during shutdown does not cut the last write short. */
export async function serveWitness(options: WitnessServeOptions, print: (line: string) => void): Promise<void> {
  const { app, verifierKey } = await buildWitnessApp({
    name: options.name,
    keyFile: options.keyFile,
    stateDir: options.stateDir,
    logKeys: options.log,
    logger: true,
  });
  const address = await app.listen({ host: options.host, port: options.port });
  print(`witness ${verifierKey} is listening on ${address}/add-checkpoint`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** `leds witness key`: the verifier key of a witness's key file. */
export function witnessKey(options: { name: string; keyFile: string }): string {
  return new Cosigner(options.name, ed25519KeyFile(options.keyFile).key).verifierKey;
}
