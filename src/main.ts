import { readFile } from 'node:fs/promises';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { signAuditCheckpoint, sweepAuditVault, type VerifyOptions, verifyAudit } from './cli/audit.ts';
import { disableUser, enableUser, printApiKeys, printUsers, revokeApiKey, rotateApiKey } from './cli/credentials.ts';
import { importFile } from './cli/import.ts';
import {
  endRetentionInstrument,
  planRetention,
  printDeletionNotices,
  printRetentionRules,
  type RetentionInstrumentOptions,
  recordRetentionInstrument,
  sweepRetention,
} from './cli/retention.ts';
import type { WitnessServeOptions } from './cli/witness.ts';
import { createServices, openConfiguredDatabase } from './composition.ts';
import { ConfigError, loadConfig, requireAuditSigningKey } from './config/config.ts';
import { type AgreementInput, agreementStatuses, organisationKinds, roles } from './modules/access/index.ts';
import { CheckpointError, CheckpointHistoryError } from './modules/audit/index.ts';
import { instrumentKinds } from './modules/retention/index.ts';
import { isLedsError } from './platform/errors.ts';
import { migrateDatabase } from './storage/open-database.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

/** A whole number, negative ones included, so the service can say what range it takes. */
function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Services wired from the environment; outside demo mode only with the audit signing key already there. */
function openServices(demo: boolean | undefined): ReturnType<typeof createServices> {
  const config = loadConfig(process.env, demo ? { demo: true } : {});
  requireAuditSigningKey(config);
  return createServices(config);
}

/** Runs a command with services wired from the environment, and closes them after. */
async function withServices<T>(
  demo: boolean | undefined,
  run: (services: Awaited<ReturnType<typeof createServices>>) => Promise<T>,
): Promise<T> {
  const services = await openServices(demo);
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

const program = new Command()
  .name('leds')
  .description(
    'LEDS: Law Enforcement Data Service. Uses PGlite in LEDS_DATA_DIR (default ./data), or PostgreSQL when DATABASE_URL is set.',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description('start the web pages and the API')
  .option('--demo', 'demo mode: synthetic people and demo personas')
  .action(async (options: { demo?: boolean }) => {
    // The database opens (PGlite's WebAssembly compiles off the main thread) while the HTTP app's modules load:
    // a later start reaches its first page sooner (issue 12). Failing to open is still reported below, once.
    const opening = openServices(options.demo);
    opening.catch(() => undefined);
    const { serve } = await import('./cli/serve.ts');
    const services = await opening;
    const stop = await serve(services, print);
    // INVARIANT: a second signal during shutdown must not kill the process before the embedded database is
    // closed and its folder lock released (a supervisor and a terminal often both send one).
    let stopping = false;
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      await stop();
      await services.close();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

program
  .command('migrate')
  .description('apply the database migrations that have not run yet')
  .action(async () => {
    const database = await openConfiguredDatabase(loadConfig());
    try {
      await migrateDatabase(database);
      print(`migrations applied (${database.kind})`);
    } finally {
      await database.close();
    }
  });

program
  .command('seed')
  .description('add a deterministic synthetic population (no real personal data)')
  .requiredOption('--people <n>', 'how many people', wholeNumber)
  .option('--seed <n>', 'generator seed: the same seed gives the same people', wholeNumber, 2026)
  .option('--first-serial <n>', 'number of the first person, to add to an existing population', wholeNumber, 1)
  .action(async (options: { people: number; seed: number; firstSerial: number }) => {
    await withServices(false, async (services) => {
      const { seedPeople } = await import('./cli/seed.ts');
      const result = await seedPeople(services, options);
      print(
        `seeded ${result.people} people (${result.rows} rows, ${result.custodyImages} custody images) in ${result.seconds.toFixed(1)} s: ` +
          `${Math.round(result.people / result.seconds)} people/s`,
      );
    });
  });

program
  .command('import')
  .description('ingest an NDJSON file of records, one per line, as a batch')
  .argument('<file>', 'the NDJSON file')
  .requiredOption('--organisation <code>', 'the organisation that owns the records (the controller)')
  .requiredOption('--source-system <name>', 'the system the records come from, for example MPS-CUSTODY')
  .action(async (file: string, options: { organisation: string; sourceSystem: string }) => {
    await withServices(false, async (services) => {
      const batch = await importFile(services, file, options, print);
      if (batch.rejectedCount > 0) process.exitCode = 2;
    });
  });

const organisation = program
  .command('organisation')
  .description('organisations: police forces, agencies, oversight bodies');
organisation
  .command('add')
  .requiredOption('--code <code>', 'short code, for example MPS')
  .requiredOption('--name <name>', 'full name')
  .addOption(new Option('--kind <kind>', 'kind of organisation').choices(organisationKinds).makeOptionMandatory())
  .action(async (options: { code: string; name: string; kind: (typeof organisationKinds)[number] }) => {
    await withServices(false, async (services) => {
      const row = await services.access.createOrganisation(options);
      print(`organisation ${row.code} (${row.kind}) saved`);
    });
  });
organisation.command('list').action(async () => {
  await withServices(false, async (services) => {
    for (const o of await services.access.listOrganisations()) print(`${o.code}\t${o.kind}\t${o.name}`);
  });
});

const user = program.command('user').description('people who sign in to the web pages');
user
  .command('add')
  .requiredOption('--organisation <code>', 'their organisation')
  .requiredOption('--username <name>', 'the name they sign in with')
  .requiredOption('--name <display name>', 'the name shown on pages')
  .addOption(new Option('--role <role...>', 'one or more roles').choices(roles).makeOptionMandatory())
  .option('--oidc-subject <sub>', 'their subject at the identity provider, to sign in with bearer tokens')
  .option('--home-postcode <postcode>', 'where they live, for the audit pattern of looking up neighbours')
  .option('--password-stdin', 'read a password from standard input')
  .action(
    async (options: {
      organisation: string;
      username: string;
      name: string;
      role: string[];
      oidcSubject?: string;
      homePostcode?: string;
      passwordStdin?: boolean;
    }) => {
      const password = options.passwordStdin ? await readStdin() : undefined;
      if (password !== undefined && password.length < 12)
        throw new InvalidArgumentError('the password must be at least 12 characters');
      await withServices(false, async (services) => {
        const user = await services.access.createUser({
          organisationCode: options.organisation,
          username: options.username,
          displayName: options.name,
          password,
          oidcSubject: options.oidcSubject,
          roles: options.role,
          homePostcode: options.homePostcode,
        });
        print(`user ${user.username} saved`);
      });
    },
  );
user
  .command('list')
  .description("an organisation's users (every organisation's without --organisation)")
  .option('--organisation <code>', 'only this organisation')
  .action(async (options: { organisation?: string }) => {
    await withServices(false, (services) => printUsers(services, options, print));
  });
user
  .command('disable')
  .description('stop a user signing in and end all their web sessions; takes effect at once')
  .argument('<username>', 'the name they sign in with')
  .action(async (username: string) => {
    await withServices(false, (services) => disableUser(services, username, print));
  });
user
  .command('enable')
  .description('let a disabled user sign in again')
  .argument('<username>', 'the name they sign in with')
  .action(async (username: string) => {
    await withServices(false, (services) => enableUser(services, username, print));
  });

const agreement = program
  .command('agreement')
  .description('data sharing agreements: who may do what with which datasets, for which purposes');
agreement
  .command('add')
  .description('add or replace an agreement from a JSON file (see docs/access.md)')
  .argument('<file>', 'the agreement as JSON: organisationCode, reference, validFrom, validTo, reviewDue, grants')
  .action(async (file: string) => {
    let input: AgreementInput;
    try {
      input = JSON.parse(await readFile(file, 'utf8')) as AgreementInput;
    } catch (error) {
      throw new InvalidArgumentError(`cannot read \`${file}\`: ${(error as Error).message}`);
    }
    await withServices(false, async (services) => {
      await services.agreements.createAgreement(input);
      print(`agreement ${input.reference} saved`);
    });
  });
agreement
  .command('status')
  .description('suspend, end or reinstate an agreement; takes effect at once')
  .argument('<reference>', 'the agreement reference')
  .addArgument(new Argument('<status>', 'the new status').choices(agreementStatuses))
  .action(async (reference: string, status: (typeof agreementStatuses)[number]) => {
    await withServices(false, async (services) => {
      await services.agreements.setStatus(reference, status);
      print(`agreement ${reference} is ${status}`);
    });
  });
agreement
  .command('list')
  .description('print the access register')
  .action(async () => {
    await withServices(false, async (services) => {
      for (const e of await services.agreements.accessRegister()) {
        print(
          [
            e.agreement,
            e.status,
            e.organisation,
            e.dataset,
            e.operations.join(' '),
            e.purposes.join(' '),
            e.validTo,
          ].join('\t'),
        );
      }
    });
  });

const apiKey = program.command('api-key').description('keys for force and agency systems');
apiKey
  .command('create')
  .requiredOption('--organisation <code>', 'the organisation the key acts for')
  .requiredOption('--name <name>', 'what system holds the key')
  .addOption(new Option('--role <role...>', 'roles of the key').choices(roles).makeOptionMandatory())
  .action(async (options: { organisation: string; name: string; role: string[] }) => {
    await withServices(false, async (services) => {
      const { id, key } = await services.access.createApiKey({
        organisationCode: options.organisation,
        name: options.name,
        roles: options.role,
      });
      print(`api key ${id} created; the key is shown once:`);
      print(key);
    });
  });
apiKey
  .command('list')
  .description("an organisation's keys and their state (every organisation's without --organisation); never a secret")
  .option('--organisation <code>', 'only this organisation')
  .action(async (options: { organisation?: string }) => {
    await withServices(false, (services) => printApiKeys(services, options, print));
  });
apiKey
  .command('revoke')
  .description('stop a key now; running servers refuse it within LEDS_API_KEY_CACHE_SECONDS')
  .argument('<id>', 'the key id, or its prefix (leds_<prefix>_…)')
  .action(async (ref: string) => {
    await withServices(false, (services) => revokeApiKey(services, ref, print));
  });
apiKey
  .command('rotate')
  .description('make a successor with the same organisation, name and roles; the old key works for the overlap only')
  .argument('<id>', 'the key id, or its prefix (leds_<prefix>_…)')
  .requiredOption(
    '--overlap-hours <hours>',
    'how long the old key keeps working, 0 to LEDS_API_KEY_ROTATION_MAX_OVERLAP_HOURS (0: it stops now)',
    integer,
  )
  .action(async (ref: string, options: { overlapHours: number }) => {
    await withServices(false, (services) => rotateApiKey(services, ref, options, print));
  });

const audit = program.command('audit').description('the tamper-evident audit log');
audit
  .command('verify')
  .description('recompute the Merkle tree from storage, check every signed checkpoint, name the first bad entry')
  .option('--verifier-key <key>', 'the published verifier key to check checkpoints with (default: this LEDS key)')
  .option('--history <file...>', "checkpoint history files to trust (default: this server's, when it has one)")
  .option(
    '--checkpoints <file...>',
    'checkpoints kept by an outsider: pages of GET /api/v1/audit/checkpoints, or notes',
  )
  .option('--witness <key...>', "trust only checkpoints cosigned by these witnesses' verifier keys")
  .option('--quorum <n>', 'how many of the witnesses must have cosigned (default: all)', wholeNumber)
  .action(async (options: VerifyOptions) => {
    await withServices(false, async (services) => {
      const report = await verifyAudit(services, options, print);
      if (!report.ok) process.exitCode = 1;
    });
  });
audit
  .command('checkpoint')
  .description('sign a checkpoint of the audit log now')
  .action(async () => {
    await withServices(false, async (services) => {
      if (!(await signAuditCheckpoint(services, print))) process.exitCode = 1;
    });
  });
audit
  .command('public-key')
  .description('print the verifier key that checks the signed checkpoints')
  .action(async () => {
    await withServices(false, async (services) => print(services.audit.verifierKey));
  });
audit
  .command('vault-sweep')
  .description('destroy what users were shown once the audit retention period has passed (legal holds excepted)')
  .action(async () => {
    await withServices(false, (services) => sweepAuditVault(services, print));
  });

const witness = program
  .command('witness')
  .description('a witness of audit logs (c2sp.org/tlog-witness): an independent party cosigning checkpoints');
witness
  .command('serve')
  .description("cosign each log's checkpoints that extend the last one this witness cosigned")
  .requiredOption('--name <name>', 'the witness name in its cosignatures, e.g. witness.ico.org.uk/leds')
  .requiredOption('--key-file <file>', 'its Ed25519 key (PEM); made on first start')
  .requiredOption('--state-dir <folder>', 'where it keeps the latest checkpoint of each log')
  .requiredOption('--log <key...>', 'verifier keys of the logs it follows (`leds audit public-key`)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', wholeNumber, 7380)
  .action(async (options: WitnessServeOptions) => {
    const { serveWitness } = await import('./cli/witness.ts');
    await serveWitness(options, print);
  });
witness
  .command('key')
  .description("print a witness's verifier key, for LEDS_AUDIT_WITNESSES and for verifiers")
  .requiredOption('--name <name>', 'the witness name')
  .requiredOption('--key-file <file>', 'its Ed25519 key (PEM); made if missing')
  .action(async (options: { name: string; keyFile: string }) => {
    const { witnessKey } = await import('./cli/witness.ts');
    print(witnessKey(options));
  });

const retention = program.command('retention').description('retention rules, decisions, deletion and notices');
retention
  .command('rules')
  .description('print the retention rule set in force, with citations and configured values')
  .action(async () => {
    await withServices(false, async (services) => printRetentionRules(services, print));
  });
retention
  .command('plan')
  .description('show what a sweep on a date would destroy or put before a reviewer; changes nothing')
  .requiredOption('--as-of <date>', 'the date to plan for, YYYY-MM-DD')
  .option('--limit <n>', 'how many due items to list', wholeNumber, 200)
  .option('--organisation <code>', "only the items this force owns (its chief officer's part of the plan)")
  .action(async (options: { asOf: string; limit: number; organisation?: string }) => {
    await withServices(false, (services) => planRetention(services, options, print));
  });
retention
  .command('sweep')
  .description('decide every item now and carry out what is due (also a scheduled job of leds serve)')
  .action(async () => {
    await withServices(false, (services) => sweepRetention(services, print));
  });
retention
  .command('notices')
  .description("an organisation's deletion notices, for its local deletion run")
  .requiredOption('--organisation <code>', 'the owning force')
  .addOption(
    new Option('--status <status>', 'which notices').choices(['PENDING', 'ACKNOWLEDGED', 'ALL']).default('PENDING'),
  )
  .option('--csv', 'print CSV')
  .action(async (options: { organisation: string; csv?: boolean; status: 'PENDING' | 'ACKNOWLEDGED' | 'ALL' }) => {
    await withServices(false, (services) => printDeletionNotices(services, options, print));
  });
retention
  .command('instrument')
  .description(
    'record an extension, consent, determination, court order, exceptional retention or legal hold, with its evidence',
  )
  .requiredOption('--organisation <code>', "the owning force (its chief officer's delegate records it)")
  .addOption(new Option('--kind <kind>', 'what was made').choices([...instrumentKinds]).makeOptionMandatory())
  .option('--item <id>', 'the item it applies to (custody image, biometric reference, event, person record)')
  .option('--person <id>', 'the person, for a legal hold on the whole record')
  .requiredOption('--made-on <date>', 'when it was made, YYYY-MM-DD')
  .requiredOption('--made-by <who>', 'the court, the Commissioner, the chief officer or the person consenting')
  .requiredOption('--evidence <text>', 'the order, consent form or determination: reference and where it is kept')
  .option('--applied-on <date>', 'when the extension was applied for (District Judge extensions)')
  .option('--until <date>', 'when it ends, if it says (a determination must)')
  .option('--policing-purpose <text>', 'the policing purpose (exceptional retention of a custody image)')
  .action(async (options: RetentionInstrumentOptions) => {
    await withServices(false, (services) => recordRetentionInstrument(services, options, print));
  });
retention
  .command('end-instrument')
  .description('end an instrument: consent withdrawn, hold lifted, determination revoked')
  .argument('<id>', 'the instrument')
  .requiredOption('--organisation <code>', 'the owning force')
  .requiredOption('--reason <text>', 'why it ends')
  .option('--ended-on <date>', 'the day it ends, YYYY-MM-DD (default today)')
  .action(async (id: string, options: { organisation: string; reason: string; endedOn?: string }) => {
    await withServices(false, (services) => endRetentionInstrument(services, id, options, print));
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  // A bad key, note, history file or path is the user's to fix: its message, not a stack.
  const told =
    error instanceof ConfigError ||
    isLedsError(error) ||
    error instanceof InvalidArgumentError ||
    error instanceof CheckpointError ||
    error instanceof CheckpointHistoryError ||
    ['ENOENT', 'EACCES', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
  if (told) {
    process.stderr.write(`leds: ${(error as Error).message}\n`);
    if (isLedsError(error))
      for (const problem of error.fieldProblems) process.stderr.write(`  ${problem.field}: ${problem.message}\n`);
  } else {
    process.stderr.write(`leds: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
