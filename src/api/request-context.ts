import type { FastifyReply, FastifyRequest } from 'fastify';
import { LedsError } from '../platform/errors.ts';
import {
  caseReferenceRule,
  isCaseReference,
  isPurposeCode,
  type RequestContext,
  type Role,
} from '../platform/request-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authenticateApiCaller on every /api/v1 request. */
    ledsContext?: RequestContext;
  }
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** Who an API key or a bearer token stands for; the access module answers both (api knows no module). */
export interface ApiCallerAuthentication {
  access: {
    authenticateApiKey(key: string): Promise<Pick<RequestContext, 'actor' | 'organisation' | 'roles'> | undefined>;
    authenticateBearer(token: string): Promise<
      | {
          user: { id: string; username: string; roles: readonly string[] };
          organisation: { id: string; code: string; kind: string };
        }
      | undefined
    >;
  };
}

/** The request context of an API request, or a 401 when the caller cannot be identified. */
export function authenticateApiCaller(services: ApiCallerAuthentication) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const authorization = header(request, 'authorization');
    const bearer = authorization && /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
    const apiKey = header(request, 'x-api-key') ?? (bearer?.startsWith('leds_') ? bearer : undefined);
    const purpose = header(request, 'x-leds-purpose');
    const caseReference = header(request, 'x-leds-case-reference');
    // Both are written into the audit entry of every read: what cannot be stored there is refused here, by name.
    if (caseReference && !isCaseReference(caseReference)) {
      throw new LedsError('REQUEST_INVALID', 'the case reference is not one LEDS can record', [
        { field: '/headers/x-leds-case-reference', message: `must be ${caseReferenceRule.says}` },
      ]);
    }
    if (purpose && !isPurposeCode(purpose)) {
      throw new LedsError('REQUEST_INVALID', 'the purpose is not a purpose code', [
        {
          field: '/headers/x-leds-purpose',
          message: 'must be a purpose code such as INVESTIGATION (GET /api/v1/purposes)',
        },
      ]);
    }
    const base = { purpose, caseReference, correlationId: request.id };
    if (apiKey) {
      const caller = await services.access.authenticateApiKey(apiKey);
      if (caller) {
        request.ledsContext = { ...caller, ...base };
        return;
      }
    } else if (bearer) {
      const signedIn = await services.access.authenticateBearer(bearer);
      if (signedIn) {
        request.ledsContext = {
          actor: { kind: 'user', id: signedIn.user.id, name: signedIn.user.username },
          organisation: {
            id: signedIn.organisation.id,
            code: signedIn.organisation.code,
            kind: signedIn.organisation.kind,
          },
          roles: signedIn.user.roles as Role[],
          ...base,
        };
        return;
      }
    }
    throw new LedsError('ACCESS_UNAUTHENTICATED', 'present a valid API key or bearer token');
  };
}

/** The context set by authenticateApiCaller; routes behind it always have one. */
export function contextOf(request: FastifyRequest): RequestContext {
  if (!request.ledsContext) throw new LedsError('ACCESS_UNAUTHENTICATED', 'present a valid API key or bearer token');
  return request.ledsContext;
}
