import type { FastifyInstance } from 'fastify';
import type { Services } from '../../src/composition.ts';

const password = 'a-test-password-of-some-length';

/**
 * Makes (or updates) a user of an organisation, signs them in through the sign-in form and, when given, declares a
 * purpose on the purpose form, as a browser would; returns the session cookie.
 */
export async function signedInAs(
  app: FastifyInstance,
  services: Services,
  user: { organisationCode: string; username: string; roles: string[]; purpose?: string; caseReference?: string },
): Promise<string> {
  await services.access.createUser({
    organisationCode: user.organisationCode,
    username: user.username,
    displayName: user.username,
    password,
    roles: user.roles,
  });
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    payload: { username: user.username, password },
  });
  const cookie = String(response.headers['set-cookie']).split(';')[0] as string;
  if (user.purpose)
    await app.inject({
      method: 'POST',
      url: '/purpose',
      headers: { cookie },
      payload: { purpose: user.purpose, ...(user.caseReference ? { caseReference: user.caseReference } : {}) },
    });
  return cookie;
}
