import type { Services } from '../composition.ts';
import type { ApiKeySummary, UserAccountSummary } from '../modules/access/index.ts';
import { LedsError } from '../platform/errors.ts';
import type { RequestContext } from '../platform/request-context.ts';
import { cliContext } from './cli-context.ts';

type Print = (line: string) => void;

// The operator on the command line acts as the administrator of the organisation that owns the key or user, so
// the same Cedar decision (credential.manage) and the same audit entries apply as on the administrator's pages.
const administratorOf = (services: Services, organisationCode: string): Promise<RequestContext> =>
  cliContext(services, organisationCode, ['ADMINISTRATOR']);

/** The organisations a list covers: the one named, or every one. */
async function organisationsToList(services: Services, organisationCode: string | undefined): Promise<string[]> {
  if (organisationCode) return [organisationCode];
  return (await services.access.listOrganisations()).map((o) => o.code);
}

function keyState(key: ApiKeySummary): string {
  switch (key.state) {
    case 'ACTIVE':
      return 'active';
    case 'EXPIRING':
      return `expires ${key.expiresAt?.toISOString()}`;
    case 'EXPIRED':
      return `expired ${key.expiresAt?.toISOString()}`;
    case 'REVOKED':
      return `revoked ${key.revokedAt?.toISOString()}`;
  }
}

const cacheNote = (services: Services) =>
  `running servers refuse it within ${services.config.apiKeyCacheSeconds} s (LEDS_API_KEY_CACHE_SECONDS)`;

/** `leds api-key list [--organisation CODE]`: id, organisation, name, prefix, roles, created, state; never a secret. */
export async function printApiKeys(services: Services, options: { organisation?: string }, print: Print) {
  for (const code of await organisationsToList(services, options.organisation)) {
    for (const key of await services.apiKeys.listApiKeys(await administratorOf(services, code)))
      print(
        [
          key.id,
          key.organisationCode,
          key.name,
          key.keyPrefix,
          key.roles.join(' '),
          key.createdAt.toISOString(),
          keyState(key),
        ].join('\t'),
      );
  }
}

async function ownerOfKey(services: Services, ref: string): Promise<string> {
  const owner = await services.apiKeys.owningOrganisationOf(ref);
  if (!owner)
    throw new LedsError('ACCESS_CREDENTIAL_NOT_FOUND', `no api key \`${ref}\`; list them with \`leds api-key list\``);
  return owner;
}

/** `leds api-key revoke ID|PREFIX`. */
export async function revokeApiKey(services: Services, ref: string, print: Print) {
  const ctx = await administratorOf(services, await ownerOfKey(services, ref));
  const key = await services.apiKeys.revokeApiKey(ctx, ref);
  print(`api key ${key.id} (${key.organisationCode} ${key.name}, ${key.keyPrefix}) revoked; ${cacheNote(services)}`);
}

/** `leds api-key rotate ID|PREFIX --overlap-hours N`: prints the successor's secret once. */
export async function rotateApiKey(services: Services, ref: string, options: { overlapHours: number }, print: Print) {
  const ctx = await administratorOf(services, await ownerOfKey(services, ref));
  const { successor, key, rotated } = await services.apiKeys.rotateApiKey(ctx, ref, options.overlapHours);
  print(
    options.overlapHours === 0
      ? `api key ${rotated.id} (${rotated.keyPrefix}) stopped now; ${cacheNote(services)}`
      : `api key ${rotated.id} (${rotated.keyPrefix}) works until ${rotated.expiresAt?.toISOString()} (${options.overlapHours} h)`,
  );
  print(`api key ${successor.id} (${successor.organisationCode} ${successor.name}) created; the key is shown once:`);
  print(key);
}

function userState(user: UserAccountSummary): string {
  return user.active ? 'active' : 'disabled';
}

/** `leds user list [--organisation CODE]`: id, organisation, username, name, roles, state. */
export async function printUsers(services: Services, options: { organisation?: string }, print: Print) {
  for (const code of await organisationsToList(services, options.organisation)) {
    for (const user of await services.userAccounts.listUsers(await administratorOf(services, code)))
      print(
        [user.id, user.organisationCode, user.username, user.displayName, user.roles.join(' '), userState(user)].join(
          '\t',
        ),
      );
  }
}

async function ownerOfUser(services: Services, username: string): Promise<string> {
  const owner = await services.userAccounts.owningOrganisationOf(username);
  if (!owner)
    throw new LedsError('ACCESS_CREDENTIAL_NOT_FOUND', `no user \`${username}\`; list them with \`leds user list\``);
  return owner;
}

/** `leds user disable USERNAME`: the user is inactive and every web session of theirs has ended. */
export async function disableUser(services: Services, username: string, print: Print) {
  const ctx = await administratorOf(services, await ownerOfUser(services, username));
  const { user, sessionsEnded } = await services.userAccounts.disableUser(ctx, username);
  print(`user ${user.username} disabled; ${sessionsEnded} web session(s) ended`);
}

/** `leds user enable USERNAME`. */
export async function enableUser(services: Services, username: string, print: Print) {
  const ctx = await administratorOf(services, await ownerOfUser(services, username));
  const user = await services.userAccounts.enableUser(ctx, username);
  print(`user ${user.username} enabled`);
}
