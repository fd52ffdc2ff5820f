import type { Dataset } from '../../config/config.ts';
import { LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Action, Decision } from './access.types.ts';
import type { AgreementsService } from './agreements.service.ts';
import type { CedarValueJson, PolicyEngine, PolicyRequest } from './policy-engine.ts';

/** Actions that read a person's data and so need a declared purpose (brief 3.3). */
const purposeBound: ReadonlySet<Action> = new Set([
  'person.search',
  'person.view',
  'custody-image.view',
  'retention.review',
]);

/** Why a dataset is withheld, in words a user can act on, by the policy that forbade it. */
const forbidReasons: Record<string, string> = {
  'no-immigration-use-of-missing-person-or-safeguarding-data':
    'gathered to find missing people or to safeguard; never available for immigration enforcement',
  'intelligence-police-only': 'intelligence is shown only to police users with a need to know',
};

/**
 * What the rules read of the thing acted on: a person's record-level flags, the force that owns a retained
 * item (retention is decided by the owning force's chief officer), or the organisation an API key or user
 * belongs to.
 */
export interface ResourceFacts {
  protectedIdentity?: boolean;
  /** A nominal whose own record is intelligence-class (for linking pushed records to a person). */
  intelligenceOnly?: boolean;
  /** The owning organisation; null for what no force owns yet (an unmatched application for deletion). */
  owningOrganisationId?: string | null;
}

/** What a caller may see of a person's record: the datasets shown, and why each other one is withheld. */
export interface ProtectedView {
  purpose: string;
  visible: ReadonlySet<string>;
  withheld: ReadonlyMap<string, string>;
  /**
   * Purposes whose material this caller's declared purpose may never use (purpose limitation): a row gathered
   * for one of them is withheld, whatever dataset it belongs to (docs/access.md, identity provenance).
   */
  limitedPurposes: readonly string[];
  /** Policy ids behind the view, for the audit entry. */
  reasons: string[];
}

/**
 * The one access decision point. Every use case asks a named action; Cedar decides from the caller, the
 * declared purpose and what the organisation's agreements in force grant for it. Default deny.
 * Decisions are cached by everything they depend on: policy version, action, resource, organisation and its kind,
 * roles, purpose and the grants in force (Cedar costs about 0.5 ms a call here; a cached decision is a map look-up).
 */
export class AccessDecisions {
  private readonly purposeCodes: ReadonlySet<string>;
  private readonly cache = new Map<string, Decision>();
  private readonly views = new Map<string, ProtectedView>();
  /** Counts for the benchmark and the health of the cache. */
  readonly stats = { decisions: 0, cacheHits: 0 };

  constructor(
    private readonly engine: PolicyEngine,
    private readonly agreements: AgreementsService,
    private readonly settings: {
      purposes: readonly { code: string }[];
      datasets: readonly Dataset[];
      decisionCacheSize?: number;
      decisionCache?: boolean;
    },
  ) {
    this.purposeCodes = new Set(settings.purposes.map((p) => p.code));
  }

  get policyVersion(): string {
    return this.engine.version;
  }

  private checkPurpose(ctx: RequestContext, action: Action): void {
    if (!purposeBound.has(action)) return;
    if (!ctx.purpose) throw new LedsError('ACCESS_PURPOSE_REQUIRED', `declare a purpose to ${action}`);
    if (!this.purposeCodes.has(ctx.purpose)) {
      throw new LedsError('ACCESS_PURPOSE_UNKNOWN', `\`${ctx.purpose}\` is not a declared purpose`, [
        { field: 'purpose', message: `must be one of ${[...this.purposeCodes].join(', ')}` },
      ]);
    }
  }

  private ask(ctx: RequestContext, grants: string[], action: string, resource: PolicyRequest['resource']): Decision {
    this.stats.decisions += 1;
    const roles = [...ctx.roles].sort();
    const key = JSON.stringify([
      this.engine.version,
      action,
      resource.type,
      resource.id,
      ctx.organisation.id,
      ctx.organisation.kind,
      roles,
      ctx.purpose ?? '',
      grants,
    ]);
    const cached = this.settings.decisionCache === false ? undefined : this.cache.get(key);
    if (cached) {
      this.stats.cacheHits += 1;
      return cached;
    }
    const decision = this.engine.decide({
      principal: {
        type: 'Caller',
        id: ctx.actor.id,
        attrs: { roles, organisationKind: ctx.organisation.kind },
        parents: [{ type: 'Organisation', id: ctx.organisation.id }],
      },
      action,
      resource,
      context: { purpose: ctx.purpose ?? '', grants },
      entities: [{ type: 'Organisation', id: ctx.organisation.id, attrs: { kind: ctx.organisation.kind } }],
    });
    if (this.cache.size >= (this.settings.decisionCacheSize ?? 10_000)) this.cache.clear();
    this.cache.set(key, decision);
    return decision;
  }

  /**
   * The decision for an action, without throwing. For a person, the record-level flags the rules read are
   * passed as the resource; for retention, the owning force. Both have few values, so decisions stay cacheable.
   */
  async decide(ctx: RequestContext, action: Action, about: ResourceFacts = {}): Promise<Decision> {
    const grants = await this.agreements.grantsFor(ctx.organisation.id, ctx.purpose);
    const resourceType = action.startsWith('ingest-batch')
      ? 'IngestBatch'
      : action.startsWith('access-application') || action === 'agreement.manage'
        ? 'AccessApplication'
        : action.startsWith('audit')
          ? 'AuditLog'
          : action.startsWith('retention') || action.startsWith('deletion')
            ? 'RetentionSchedule'
            : action.startsWith('held-record')
              ? 'HeldRecord'
              : action.startsWith('credential')
                ? 'Credential'
                : 'Person';
    const protectedIdentity = about.protectedIdentity ?? false;
    const owner = about.owningOrganisationId;
    const ownerAttr: Record<string, CedarValueJson> = owner
      ? { owner: { __entity: { type: 'Leds::Organisation', id: owner } } }
      : {};
    if (resourceType === 'Person') {
      if (action === 'person.link') {
        const intelligenceOnly = about.intelligenceOnly ?? false;
        return this.ask(ctx, grants, action, {
          type: 'Person',
          id: `${protectedIdentity ? 'protected' : 'any'}:${intelligenceOnly ? 'intelligence' : 'evidential'}:${owner ?? ''}`,
          attrs: { protectedIdentity, intelligenceOnly, ...ownerAttr },
        });
      }
      return this.ask(ctx, grants, action, {
        type: 'Person',
        id: protectedIdentity ? 'protected' : 'any',
        attrs: { protectedIdentity },
      });
    }
    if (resourceType === 'RetentionSchedule' || resourceType === 'HeldRecord') {
      return this.ask(ctx, grants, action, {
        type: resourceType,
        id: `${owner ?? 'unowned'}:${protectedIdentity ? 'protected' : 'any'}`,
        attrs: { ...ownerAttr, protectedIdentity },
      });
    }
    if (resourceType === 'Credential') {
      // INVARIANT: every API key and user belongs to an organisation; a credential without one is no one's to manage.
      if (!owner) return { allowed: false, reasons: [] };
      return this.ask(ctx, grants, action, {
        type: 'Credential',
        id: owner,
        attrs: { owner: { __entity: { type: 'Leds::Organisation', id: owner } } },
      });
    }
    return this.ask(ctx, grants, action, { type: resourceType, id: 'any' });
  }

  /**
   * Throws unless the caller may take this action now.
   * SECURITY: every service use case calls this first; a missing purpose stops a person read before any query.
   */
  async require(ctx: RequestContext, action: Action, about?: ResourceFacts): Promise<Decision> {
    this.checkPurpose(ctx, action);
    const decision = await this.decide(ctx, action, about);
    if (!decision.allowed) {
      throw new LedsError(
        'ACCESS_DENIED',
        `${action} is not allowed for the declared purpose under your organisation's agreements`,
      );
    }
    return decision;
  }

  /**
   * The purposes whose material the caller's purpose may not use: each purpose is put to Cedar as the one
   * purpose nominal identity was gathered for. Only meaningful where nominal identity is granted at all.
   */
  private limitedPurposes(ctx: RequestContext, grants: string[]): string[] {
    const identity = (gatheredFor: string[], id: string) =>
      this.ask(ctx, grants, 'dataset.read', {
        type: 'Dataset',
        id: `NOMINAL_IDENTITY:gathered-for:${id}`,
        attrs: { code: 'NOMINAL_IDENTITY', gatheredFor },
      });
    if (!identity([], '').allowed) return [];
    return [...this.purposeCodes].filter((purpose) => !identity([purpose], purpose).allowed);
  }

  /**
   * Which datasets of a person's record this caller sees, for the purpose declared: one Cedar decision per
   * dataset, and the whole view cached under one key made of everything the decisions depend on.
   */
  async viewFor(ctx: RequestContext): Promise<ProtectedView> {
    const grants = await this.agreements.grantsFor(ctx.organisation.id, ctx.purpose);
    const roles = [...ctx.roles].sort();
    const key = JSON.stringify([this.engine.version, ctx.organisation.kind, roles, ctx.purpose ?? '', grants]);
    const cached = this.settings.decisionCache === false ? undefined : this.views.get(key);
    if (cached) {
      this.stats.decisions += this.settings.datasets.length;
      this.stats.cacheHits += this.settings.datasets.length;
      return cached;
    }
    const visible = new Set<string>();
    const withheld = new Map<string, string>();
    const reasons: string[] = [];
    for (const dataset of this.settings.datasets) {
      const decision = this.ask(ctx, grants, 'dataset.read', {
        type: 'Dataset',
        id: dataset.code,
        attrs: { code: dataset.code, gatheredFor: dataset.gatheredFor },
      });
      reasons.push(...decision.reasons.map((r) => `${dataset.code}: ${r}`));
      if (decision.allowed) visible.add(dataset.code);
      else {
        const forbidding = decision.reasons.find((r) => forbidReasons[r]);
        withheld.set(
          dataset.code,
          forbidding
            ? (forbidReasons[forbidding] as string)
            : "not granted by your organisation's agreement for this purpose",
        );
      }
    }
    const view: ProtectedView = {
      purpose: ctx.purpose ?? '',
      visible,
      withheld,
      limitedPurposes: this.limitedPurposes(ctx, grants),
      reasons,
    };
    if (this.views.size >= (this.settings.decisionCacheSize ?? 10_000)) this.views.clear();
    if (this.settings.decisionCache !== false) this.views.set(key, view);
    return view;
  }
}
