import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { Config } from '../../config/config.ts';
import { isLedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { pageSchema } from '../../web/page-schemas.ts';
import { pageContext, pageLocals, requireSignedIn } from '../../web/page-session.ts';
import type { AccessDecisions } from './access.decisions.ts';
import type { AccessService } from './access.service.ts';
import type { ApiKeysService } from './api-keys.service.ts';
import type { UserAccountsService } from './user-accounts.service.ts';

type Form = Record<string, string | string[] | undefined>;
/** One value of a form or query field; a repeated field, or none, is empty. */
const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value.trim() : '');

/** What the list page says after an action, by the `done` the action redirected with. */
const banners = {
  'api-key-revoked': 'revoked',
  'user-disabled': 'disabled',
  'user-enabled': 'enabled',
} as const;
type Done = keyof typeof banners;

/** What the credentials pages use. */
export interface CredentialPageServices {
  apiKeys: Pick<ApiKeysService, 'listApiKeys' | 'revokeApiKey' | 'findApiKey' | 'rotateApiKey'>;
  userAccounts: Pick<UserAccountsService, 'listUsers' | 'disableUser' | 'enableUser'>;
  decisions: Pick<AccessDecisions, 'decide'>;
  access: Pick<AccessService, 'resumeSession'>;
  config: Pick<Config, 'apiKeyCacheSeconds' | 'apiKeyRotationMaxOverlapHours' | 'purposes'>;
}

type Guard = Pick<RouteShorthandOptions, 'preHandler'>;

/**
 * An organisation administrator's page of its users and API keys (issue 11, item 15): disable and enable users,
 * revoke and rotate keys, without SQL. No JavaScript needed.
 * SECURITY: to anyone but an administrator of the organisation the whole area answers as if it did not exist,
 * and a key or user of another organisation answers exactly like one that does not exist.
 */
export const credentialPages: FastifyPluginAsync<{ services: CredentialPageServices }> = async (app, { services }) => {
  const administratorOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    const ctx = pageContext(request);
    const decision = await services.decisions.decide(ctx, 'credential.manage', {
      owningOrganisationId: ctx.organisation.id,
    });
    if (!decision.allowed) return reply.callNotFound();
  };
  const guard: Guard = { preHandler: [requireSignedIn(services, { purpose: false }), administratorOnly] };
  app.get(
    '/admin/credentials',
    { ...guard, schema: pageSchema({ query: { text: ['done', 'id'] } }) },
    (request, reply) => renderList(services, request, reply),
  );
  registerCredentialActions(app, services, guard);
  registerKeyRotationPages(app, services, guard);
};

/** The list of the organisation's users and API keys, with the banner of the action just done. */
async function renderList(
  services: CredentialPageServices,
  request: FastifyRequest,
  reply: FastifyReply,
  status = 200,
  errors: { text: string }[] = [],
) {
  const { apiKeys, userAccounts, config } = services;
  const ctx = pageContext(request);
  const [users, keys] = await Promise.all([userAccounts.listUsers(ctx), apiKeys.listApiKeys(ctx)]);
  // The banner names only what the list itself shows, so a crafted link can say nothing about anything else.
  const query = request.query as Form;
  const done = one(query.done);
  const id = one(query.id);
  let banner: { what: string; name: string; outcome: string } | undefined;
  if (Object.hasOwn(banners, done) && isUuid(id)) {
    const outcome = banners[done as Done];
    const user = users.find((u) => u.id === id);
    const key = keys.find((k) => k.id === id);
    if (done.startsWith('user') && user)
      banner = { what: 'User', name: `${user.displayName} (${user.username})`, outcome };
    if (done.startsWith('api-key') && key)
      banner = { what: 'API key', name: `‘${key.name}’ (${key.keyPrefix})`, outcome };
  }
  return reply.status(status).view('pages/credentials.njk', {
    ...pageLocals(services, request),
    users,
    keys,
    self: ctx.actor.id,
    banner,
    cacheSeconds: config.apiKeyCacheSeconds,
    errors,
  });
}

function registerCredentialActions(app: FastifyInstance, services: CredentialPageServices, guard: Guard): void {
  const { apiKeys, userAccounts } = services;
  /** Runs an action; a conflict (already revoked, disabling oneself) shows on the list. Not found stays not found. */
  const act = (path: string, done: Done, run: (request: FastifyRequest, id: string) => Promise<unknown>) =>
    app.post(path, { ...guard, schema: pageSchema({ body: {} }) }, async (request, reply) => {
      const { id } = request.params as { id: string };
      try {
        await run(request, id);
      } catch (error) {
        if (!isLedsError(error) || !['ACCESS_CREDENTIAL_STATE', 'REQUEST_INVALID'].includes(error.code)) throw error;
        return renderList(services, request, reply, error.status, [{ text: error.message }]);
      }
      return reply.redirect(`/admin/credentials?done=${done}&id=${encodeURIComponent(id)}`);
    });

  act('/admin/credentials/users/:id/disable', 'user-disabled', (request, id) =>
    userAccounts.disableUser(pageContext(request), id),
  );
  act('/admin/credentials/users/:id/enable', 'user-enabled', (request, id) =>
    userAccounts.enableUser(pageContext(request), id),
  );
  act('/admin/credentials/api-keys/:id/revoke', 'api-key-revoked', (request, id) =>
    apiKeys.revokeApiKey(pageContext(request), id),
  );
}

/** The form to rotate an API key, with the overlap asked for and what is wrong with it. */
async function renderRotate(
  services: CredentialPageServices,
  request: FastifyRequest,
  reply: FastifyReply,
  form: Form = {},
  fieldError: string | undefined = undefined,
) {
  const { apiKeys, config } = services;
  const { id } = request.params as { id: string };
  const key = await apiKeys.findApiKey(pageContext(request), id);
  return reply.status(fieldError ? 400 : 200).view('pages/credential-rotate.njk', {
    ...pageLocals(services, request),
    key,
    maxOverlapHours: config.apiKeyRotationMaxOverlapHours,
    overlapHours: one(form.overlapHours),
    fieldError,
    errors: fieldError ? [{ text: fieldError, href: '#overlapHours' }] : [],
  });
}

function registerKeyRotationPages(app: FastifyInstance, services: CredentialPageServices, guard: Guard): void {
  const { apiKeys, config } = services;
  app.get('/admin/credentials/api-keys/:id/rotate', { ...guard, schema: pageSchema({ query: {} }) }, (request, reply) =>
    renderRotate(services, request, reply),
  );

  app.post(
    '/admin/credentials/api-keys/:id/rotate',
    { ...guard, schema: pageSchema({ body: { text: ['overlapHours'] } }) },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = (request.body ?? {}) as Form;
      const raw = one(form.overlapHours);
      const max = config.apiKeyRotationMaxOverlapHours;
      const outOfRange = `Enter the overlap as a whole number of hours from 0 to ${max}`;
      if (!/^\d+$/.test(raw)) return renderRotate(services, request, reply, form, outOfRange);
      let rotation: Awaited<ReturnType<typeof apiKeys.rotateApiKey>>;
      try {
        rotation = await apiKeys.rotateApiKey(pageContext(request), id, Number(raw));
      } catch (error) {
        if (isLedsError(error) && error.code === 'ACCESS_ROTATION_OVERLAP_INVALID')
          return renderRotate(services, request, reply, form, outOfRange);
        if (isLedsError(error) && error.code === 'ACCESS_CREDENTIAL_STATE')
          return renderList(services, request, reply, error.status, [{ text: error.message }]);
        throw error;
      }
      // SECURITY: the new secret is on this page only; no cache or history may keep it.
      return reply.header('cache-control', 'no-store').view('pages/credential-rotated.njk', {
        ...pageLocals(services, request),
        ...rotation,
        overlapHours: Number(raw),
        cacheSeconds: config.apiKeyCacheSeconds,
      });
    },
  );
}
