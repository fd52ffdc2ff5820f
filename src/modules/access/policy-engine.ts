import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { sha256Hex } from '../../platform/crypto.ts';

export type CedarValueJson = cedar.CedarValueJson;

/** An entity of a Cedar request, by type (without namespace) and id, with attributes. */
export interface PolicyEntity {
  type: string;
  id: string;
  attrs?: Record<string, cedar.CedarValueJson>;
  parents?: { type: string; id: string }[];
}

export interface PolicyRequest {
  principal: PolicyEntity;
  action: string;
  resource: PolicyEntity;
  context: Record<string, cedar.CedarValueJson>;
  /** Further entities the policies read (for example the principal's organisation). */
  entities?: PolicyEntity[];
}

export interface PolicyDecision {
  allowed: boolean;
  /** The ids of the policies that decided: the permits that allowed, or the forbids that denied. */
  reasons: string[];
}

export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
}

const namespace = 'Leds';
const uid = (type: string, id: string) => ({ type: `${namespace}::${type}`, id });

/**
 * The Cedar policies in policies/*.cedar, validated against policies/leds.cedarschema when loaded.
 * Policy ids come from each policy's @id annotation; Cedar itself names policies by the keys passed to
 * preparsePolicySet, so the annotation is read here and used as the key.
 */
export class PolicyEngine {
  readonly version: string;
  readonly policyIds: string[];

  private constructor(
    private readonly policySetId: string,
    policyIds: string[],
  ) {
    this.version = policySetId;
    this.policyIds = policyIds;
  }

  static load(folder: string): PolicyEngine {
    const schema = readFileSync(path.join(folder, 'leds.cedarschema'), 'utf8');
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.cedar'))
      .sort();
    const staticPolicies: Record<string, string> = {};
    for (const file of files) {
      const text = readFileSync(path.join(folder, file), 'utf8');
      const parts = cedar.policySetTextToParts(text);
      if (parts.type === 'failure')
        throw new PolicyLoadError(`${file}: ${parts.errors.map((e) => e.message).join('; ')}`);
      for (const policy of parts.policies) {
        const id = /@id\("([^"]+)"\)/.exec(policy)?.[1];
        if (!id) throw new PolicyLoadError(`${file}: every policy needs an @id("...") annotation`);
        if (staticPolicies[id]) throw new PolicyLoadError(`${file}: policy id \`${id}\` is used twice`);
        staticPolicies[id] = policy;
      }
    }
    const validation = cedar.validate({ schema, policies: { staticPolicies }, validationSettings: { mode: 'strict' } });
    if (validation.type === 'failure') throw new PolicyLoadError(validation.errors.map((e) => e.message).join('; '));
    if (validation.validationErrors.length > 0) {
      throw new PolicyLoadError(validation.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`).join('; '));
    }
    const version = sha256Hex(JSON.stringify([schema, staticPolicies])).slice(0, 16);
    const parsedPolicies = cedar.preparsePolicySet(version, { staticPolicies });
    if (parsedPolicies.type === 'failure')
      throw new PolicyLoadError(parsedPolicies.errors.map((e) => e.message).join('; '));
    const parsedSchema = cedar.preparseSchema(version, schema);
    if (parsedSchema.type === 'failure')
      throw new PolicyLoadError(parsedSchema.errors.map((e) => e.message).join('; '));
    return new PolicyEngine(version, Object.keys(staticPolicies).sort());
  }

  /** Asks Cedar once. Default deny: no matching permit, or any error, is a denial. */
  decide(request: PolicyRequest): PolicyDecision {
    const toJson = (e: PolicyEntity): cedar.EntityJson => ({
      uid: uid(e.type, e.id),
      attrs: e.attrs ?? {},
      parents: (e.parents ?? []).map((p) => uid(p.type, p.id)),
    });
    const answer = cedar.statefulIsAuthorized({
      principal: uid(request.principal.type, request.principal.id),
      action: { type: `${namespace}::Action`, id: request.action },
      resource: uid(request.resource.type, request.resource.id),
      context: request.context,
      preparsedPolicySetId: this.policySetId,
      preparsedSchemaName: this.policySetId,
      validateRequest: true,
      entities: [request.principal, request.resource, ...(request.entities ?? [])].map(toJson),
    });
    if (answer.type === 'failure') {
      return { allowed: false, reasons: answer.errors.map((e) => `request error: ${e.message}`) };
    }
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.map((e) => `policy ${e.policyId} failed: ${e.error.message}`);
    return { allowed: decision === 'allow', reasons: [...diagnostics.reason, ...errors] };
  }
}
