import { LedsError } from '../../platform/errors.ts';
import type { RequestContext, Role } from '../../platform/request-context.ts';
import type { Action, Decision } from './access.types.ts';

/**
 * Which roles may ask for which action. Default deny: an action no role grants is refused.
 * Purpose-bound data sharing agreements and Cedar policies (issue 3) decide on top of this.
 */
const roleGrants: Record<Action, readonly Role[]> = {
  'person.search': ['OFFICER', 'INVESTIGATOR', 'SYSTEM_READ'],
  'person.view': ['OFFICER', 'INVESTIGATOR', 'SYSTEM_READ'],
  'custody-image.view': ['OFFICER', 'INVESTIGATOR', 'SYSTEM_READ'],
  'ingest-batch.create': ['SYSTEM_INGEST', 'ADMINISTRATOR'],
  'ingest-batch.view': ['SYSTEM_INGEST', 'ADMINISTRATOR', 'OFFICER'],
};

/** Actions that read a person's data and so need a declared purpose (brief 3.3). */
const purposeBound: ReadonlySet<Action> = new Set(['person.search', 'person.view', 'custody-image.view']);

export class AccessDecisions {
  private readonly purposeCodes: ReadonlySet<string>;

  constructor(purposes: readonly { code: string }[]) {
    this.purposeCodes = new Set(purposes.map((p) => p.code));
  }

  decide(ctx: RequestContext, action: Action): Decision {
    const granting = ctx.roles.filter((role) => roleGrants[action].includes(role));
    if (granting.length === 0) return { allowed: false, reasons: [`no role of the caller grants ${action}`] };
    return { allowed: true, reasons: granting.map((role) => `role ${role} grants ${action}`) };
  }

  /**
   * Throws unless the caller may take this action now.
   * SECURITY: every service use case calls this first; a missing purpose stops a person read before any query.
   */
  require(ctx: RequestContext, action: Action): Decision {
    if (purposeBound.has(action)) {
      if (!ctx.purpose) throw new LedsError('ACCESS_PURPOSE_REQUIRED', `declare a purpose to ${action}`);
      if (!this.purposeCodes.has(ctx.purpose)) {
        throw new LedsError('ACCESS_PURPOSE_UNKNOWN', `\`${ctx.purpose}\` is not a declared purpose`, [
          { field: 'purpose', message: `must be one of ${[...this.purposeCodes].join(', ')}` },
        ]);
      }
    }
    const decision = this.decide(ctx, action);
    if (!decision.allowed) throw new LedsError('ACCESS_DENIED', decision.reasons.join('; '));
    return decision;
  }
}
