import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RetentionRuleSet } from './retention-rules.ts';

// The rule set as shipped: every rule cites sources the file names, says how sure it is, and is written up in
// docs/retention.md with what LEDS does (issue 13 item 7).

const file = path.resolve(import.meta.dirname, '../../../config/retention-rules.json');
const rules = RetentionRuleSet.load(file);

describe('the retention rule set (config/retention-rules.json)', () => {
  it('gives every rule sources with a title, and a confidence in words', () => {
    for (const rule of rules.rules) {
      assert.ok(rule.sources.length > 0 || rule.confidence === 'design', `${rule.id} cites no source`);
      for (const source of rules.sourcesOf(rule)) assert.ok(source.title.length > 0, `${rule.id}: ${source.id}`);
      assert.notEqual(rules.confidenceOf(rule), rule.confidence, `${rule.id}: its mark has no words`);
    }
    assert.match(rules.confidenceOf(rules.rule('MOPI1') as never), /^Unverified/);
  });

  it('cites the PIRM Code where the MoPI Code 2005 was replaced, and says plainly what C3 and C4 do', () => {
    for (const rule of rules.rules) {
      if (/MoPI Code 2005/.test(rule.citation)) assert.match(rule.citation, /PIRM/, rule.id);
    }
    for (const id of ['C3', 'C4']) {
      const rule = rules.rule(id);
      assert.ok(rule && rules.isUnverified(rule));
      assert.doesNotMatch(rule.retention, /was not retrieved/);
      assert.match(rule.retention, /could not be read.*C5/s);
    }
  });

  it('is written up rule by rule in docs/retention.md', () => {
    const docs = readFileSync(path.resolve(import.meta.dirname, '../../../docs/retention.md'), 'utf8');
    for (const rule of rules.rules) assert.match(docs, new RegExp(`^\\| ${rule.id} \\| `, 'm'), rule.id);
  });

  it('refuses a rule that cites a source, or a mark, the file does not define', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'leds-rules-'));
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      const broken = path.join(folder, 'rules.json');
      writeFileSync(broken, JSON.stringify({ ...parsed, rules: [{ ...parsed.rules[0], sources: ['S9999'] }] }));
      assert.throws(() => RetentionRuleSet.load(broken), /cites S9999, which is not a source/);
      writeFileSync(broken, JSON.stringify({ ...parsed, rules: [{ ...parsed.rules[0], confidence: 'X' }] }));
      assert.throws(() => RetentionRuleSet.load(broken), /confidence X/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
