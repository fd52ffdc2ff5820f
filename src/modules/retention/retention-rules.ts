import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';

const RuleSetSchema = Type.Object({
  version: Type.String({ minLength: 1 }),
  jurisdiction: Type.String(),
  note: Type.String(),
  /** What each confidence mark means, in words: every rule's mark must be one of these. */
  confidence: Type.Record(Type.String(), Type.String({ minLength: 1 })),
  /** The sources the rules were read in (brief Appendix C): every source a rule names must be here. */
  sources: Type.Record(Type.String(), Type.Object({ title: Type.String({ minLength: 1 }), address: Type.String() })),
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

/** A source a rule was read in, with the first address it can be found at. */
export interface RuleSource {
  id: string;
  title: string;
  address: string;
  link: string | null;
}

/** The rule set in force: data with citations (config/retention-rules.json), versioned, read once at start. */
export class RetentionRuleSet {
  private readonly byId: Map<string, RetentionRule>;

  private constructor(
    readonly version: string,
    readonly rules: readonly RetentionRule[],
    /** What each confidence mark means. */
    readonly confidence: Readonly<Record<string, string>>,
    readonly sources: Readonly<Record<string, { title: string; address: string }>>,
  ) {
    this.byId = new Map(rules.map((r) => [r.id, r]));
  }

  /** How sure the rule set is of a rule, in words ("unverified: ..."). */
  confidenceOf(rule: RetentionRule): string {
    return this.confidence[rule.confidence] ?? rule.confidence;
  }

  /** Whether the brief marks the rule's source as unverified: pages and the CLI say so beside it. */
  isUnverified(rule: RetentionRule): boolean {
    return rule.confidence === 'U';
  }

  /** The sources a rule was read in, each with its title and first address. */
  sourcesOf(rule: RetentionRule): RuleSource[] {
    return rule.sources.map((id) => {
      const source = this.sources[id] as { title: string; address: string };
      return { id, ...source, link: source.address.match(/https?:\/\/[^\s;)]+/)?.[0] ?? null };
    });
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
      if (!(rule.confidence in parsed.confidence))
        throw new Error(
          `${file}: rule ${rule.id} has confidence ${rule.confidence}, which the rule set does not define`,
        );
      for (const source of rule.sources)
        if (!(source in parsed.sources))
          throw new Error(`${file}: rule ${rule.id} cites ${source}, which is not a source`);
    }
    return new RetentionRuleSet(parsed.version, parsed.rules, parsed.confidence, parsed.sources);
  }

  rule(id: string): RetentionRule | undefined {
    return this.byId.get(id);
  }
}
