import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { AccessDecisions } from './access.decisions.ts';
import type { Decision } from './access.types.ts';

/** What a refused credential use case was asked about, for the caller's message and the audit entry. */
export interface CredentialAsked {
  /** The one-line answer, the same whether the key or user is unknown or out of the caller's reach. */
  notFound: string;
  details: Record<string, unknown>;
}

/**
 * The access decision every credential use case starts with: may this caller manage the API keys and users of
 * the organisation that owns this one (`credential.manage`)?
 * SECURITY: a refusal answers exactly like a key or user that does not exist (ACCESS_CREDENTIAL_NOT_FOUND), so an
 * administrator of another organisation, or a caller without the role, learns nothing of it; the audit log keeps
 * the real reason.
 */
export async function requireCredentialManager(
  decisions: AccessDecisions,
  audit: AuditTrail,
  ctx: RequestContext,
  owningOrganisationId: string | undefined,
  asked: CredentialAsked,
): Promise<Decision> {
  const decision = owningOrganisationId
    ? await decisions.decide(ctx, 'credential.manage', { owningOrganisationId })
    : undefined;
  if (decision?.allowed) return decision;
  await audit.record(ctx, {
    kind: 'ACCESS_REFUSED',
    action: 'credential.manage',
    outcome: decision ? 'DENIED' : 'FAILED',
    reasons: decision ? ['ACCESS_DENIED', ...decision.reasons] : ['ACCESS_CREDENTIAL_NOT_FOUND'],
    details: { ...asked.details, owningOrganisationId: owningOrganisationId ?? null, message: asked.notFound },
  });
  throw new LedsError('ACCESS_CREDENTIAL_NOT_FOUND', asked.notFound);
}

/**
 * Throws unless the caller may manage its own organisation's credentials: the lists of its keys and users.
 * The pages answer not found before asking, so this refusal reaches only a caller that skipped them.
 */
export async function requireOwnCredentials(decisions: AccessDecisions, ctx: RequestContext): Promise<Decision> {
  const decision = await decisions.decide(ctx, 'credential.manage', { owningOrganisationId: ctx.organisation.id });
  if (!decision.allowed)
    throw new LedsError('ACCESS_DENIED', "credential.manage is not allowed: only an organisation's administrator");
  return decision;
}
