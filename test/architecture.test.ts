import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const src = path.resolve(import.meta.dirname, '..', 'src');
const files = readdirSync(src, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
const importsOf = (file: string) =>
  [...readFileSync(path.join(src, file), 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1] as string);

describe('architecture', () => {
  it('keeps Fastify out of services, repositories and the storage layer', () => {
    for (const file of files.filter((f) =>
      /\.(service|repository)\.ts$|^storage\/|record-intake|synthetic-population/.test(f),
    )) {
      for (const imported of importsOf(file))
        assert.ok(!imported.startsWith('fastify') && !imported.startsWith('@fastify'), `${file} imports ${imported}`);
    }
  });

  it('reaches another module only through its index.ts or its tables (for the schema)', () => {
    for (const file of files.filter((f) => f.startsWith(`modules${path.sep}`))) {
      const own = file.split(path.sep)[1];
      for (const imported of importsOf(file)) {
        const target = path.relative(src, path.resolve(src, path.dirname(file), imported));
        const [top, module, rest] = target.split(path.sep);
        if (top !== 'modules' || module === own) continue;
        assert.ok(rest === 'index.ts' || rest?.endsWith('.tables.ts'), `${file} reaches into ${target}`);
      }
    }
  });

  it('lets only the platform and config be imported by the platform', () => {
    for (const file of files.filter((f) => f.startsWith(`platform${path.sep}`))) {
      for (const imported of importsOf(file))
        assert.ok(!imported.startsWith('../modules') && !imported.startsWith('../api'), `${file} imports ${imported}`);
    }
  });
});
