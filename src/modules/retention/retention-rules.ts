import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';

const RuleSetSchema = Type.Object({
  version: Type.String({ minLength: 1 }),
  jurisdiction: Type.String(),
  note: Type.String(),
  rules: Type.Array(
    Type.Object({
      id: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }),
      family: Type.String(),
      title: Type.String({ minLength: 1 }),
      retention: Type.String({ minLength: 1 }),
      citation: Type.String({ minLength: 1 }),
      sources: Type.Array(Type.String()),
      confidence: Type.String(),
      parameters: Type.Optional(Type.Array(Type.String())),
    }),
    { minItems: 1 },
  ),
});

export interface RetentionRule {
  id: string;
  family: string;
  title: string;
  retention: string;
  citation: string;
  sources: string[];
  confidence: string;
  parameters?: string[];
}

/** The rule set in force: data with citations (config/retention-rules.json), versioned, read once at start. */
export class RetentionRuleSet {
  private readonly byId: Map<string, RetentionRule>;

  private constructor(
    readonly version: string,
    readonly rules: readonly RetentionRule[],
  ) {
    this.byId = new Map(rules.map((r) => [r.id, r]));
  }

  static load(file: string): RetentionRuleSet {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const check = Compile(RuleSetSchema);
    if (!check.Check(parsed)) {
      const [first] = check.Errors(parsed);
      throw new Error(`${file}: ${first?.instancePath ?? ''} ${first?.message ?? 'is not a retention rule set'}`);
    }
    const ids = new Set<string>();
    for (const rule of parsed.rules) {
      if (ids.has(rule.id)) throw new Error(`${file}: rule ${rule.id} appears twice`);
      ids.add(rule.id);
    }
    return new RetentionRuleSet(parsed.version, parsed.rules);
  }

  rule(id: string): RetentionRule | undefined {
    return this.byId.get(id);
  }
}
