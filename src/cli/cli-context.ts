import type { Services } from '../composition.ts';
import { LedsError } from '../platform/errors.ts';
import { operatorContext, type RequestContext, type Role } from '../platform/request-context.ts';

/** The request context of a command run by an operator on behalf of an organisation's system. */
export async function cliContext(services: Services, organisationCode: string, roles: Role[]): Promise<RequestContext> {
  const organisation = await services.access.findOrganisation(organisationCode);
  if (!organisation) {
    throw new LedsError(
      'REQUEST_INVALID',
      `no organisation \`${organisationCode}\`; list them with \`leds organisation list\``,
      [{ field: '--organisation', message: 'unknown code' }],
    );
  }
  return {
    ...operatorContext('CLI'),
    organisation: { id: organisation.id, code: organisation.code, kind: organisation.kind },
    roles,
  };
}
