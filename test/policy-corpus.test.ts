import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PolicyEngine } from '../src/modules/access/index.ts';

interface Case {
  name: string;
  principal: { organisationKind: string; roles: string[] };
  action: string;
  resource: { type: string; id: string; attrs?: Record<string, never> };
  context: { purpose: string; grants: string[] };
  expected: { decision: 'allow' | 'deny'; reasons: string[] };
}

const engine = PolicyEngine.load(path.resolve(import.meta.dirname, '..', 'policies'));
const cases = JSON.parse(readFileSync(new URL('./policy-corpus/cases.json', import.meta.url), 'utf8')) as Case[];

describe(`policy decision corpus (${cases.length} cases, policy version ${engine.version})`, () => {
  for (const c of cases) {
    it(c.name, () => {
      const decision = engine.decide({
        principal: {
          type: 'Caller',
          id: 'c',
          attrs: { roles: c.principal.roles, organisationKind: c.principal.organisationKind },
          parents: [{ type: 'Organisation', id: 'o' }],
        },
        action: c.action,
        resource: c.resource,
        context: c.context,
        entities: [{ type: 'Organisation', id: 'o', attrs: { kind: c.principal.organisationKind } }],
      });
      assert.deepEqual(
        { decision: decision.allowed ? 'allow' : 'deny', reasons: [...decision.reasons].sort() },
        { ...c.expected, reasons: [...c.expected.reasons].sort() },
      );
    });
  }

  it('covers every organisation kind, purpose and dataset of the configuration', () => {
    const datasets = JSON.parse(readFileSync(new URL('../config/datasets.json', import.meta.url), 'utf8')).datasets as {
      code: string;
    }[];
    const purposes = JSON.parse(readFileSync(new URL('../config/purposes.json', import.meta.url), 'utf8')).purposes as {
      code: string;
    }[];
    for (const kind of ['POLICE_FORCE', 'NON_POLICE_AGENCY', 'OVERSIGHT_BODY']) {
      for (const purpose of purposes) {
        for (const dataset of datasets) {
          assert.ok(
            cases.some(
              (c) =>
                c.principal.organisationKind === kind &&
                c.context.purpose === purpose.code &&
                c.resource.id === dataset.code,
            ),
            `${kind} ${purpose.code} ${dataset.code}`,
          );
        }
      }
    }
  });

  it('has cases for every action the schema declares', () => {
    const schema = readFileSync(path.resolve(import.meta.dirname, '..', 'policies', 'leds.cedarschema'), 'utf8');
    const actions = new Set([...schema.matchAll(/"([a-z-]+\.[a-z.-]+)"/g)].map((m) => m[1] as string));
    assert.ok(actions.size >= 21, 'the schema is read');
    const covered = new Set(cases.map((c) => c.action));
    assert.deepEqual(
      [...actions].filter((a) => !covered.has(a)),
      [],
    );
  });

  it('refuses to load a policy without an @id, or one the schema rejects', async () => {
    const { mkdtemp, writeFile, copyFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const folder = await mkdtemp(path.join(tmpdir(), 'leds-policies-'));
    await copyFile(
      path.resolve(import.meta.dirname, '..', 'policies', 'leds.cedarschema'),
      path.join(folder, 'leds.cedarschema'),
    );
    await writeFile(path.join(folder, 'a.cedar'), 'permit (principal, action, resource);');
    assert.throws(() => PolicyEngine.load(folder), /@id/);
    await writeFile(
      path.join(folder, 'a.cedar'),
      '@id("bad")\npermit (principal, action == Leds::Action::"person.view", resource) when { principal.shoeSize > 3 };',
    );
    assert.throws(() => PolicyEngine.load(folder), /bad/);
  });
});
