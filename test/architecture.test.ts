import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import {
  accessDecisionPackages,
  demoPackages,
  edgeFile,
  httpPackages,
  maxFileLines,
  maxFunctionLines,
  mayImport,
  type PartKind,
  rootFiles,
  sizeExceptions,
  standsAlone,
} from './architecture.rules.ts';

const src = path.resolve(import.meta.dirname, '..', 'src');

export interface SourceFile {
  /** The path under `src/`, with `/` whatever the platform. */
  name: string;
  text: string;
}

interface Part {
  kind: PartKind;
  /** `modules/records` for a module, else the kind. */
  name: string;
}

function partOf(name: string): Part {
  if (rootFiles.includes(name)) return { kind: 'root', name: 'root' };
  const [top, second] = name.split('/');
  if (top === 'modules') return { kind: 'module', name: `modules/${second}` };
  return { kind: top as PartKind, name: top as string };
}

const isTest = (name: string) => name.endsWith('.test.ts');
const isTables = (name: string) => name.endsWith('.tables.ts');

/** Every import and re-export, static or dynamic, type-only or not, however many lines it spans. */
function importsOf(file: SourceFile): string[] {
  return ts.preProcessFile(file.text, true, true).importedFiles.map((i) => i.fileName);
}

/** Why one import breaks a rule, or undefined when it keeps them all. */
function importBreak(file: SourceFile, imported: string): string | undefined {
  const from = partOf(file.name);
  const edge = from.kind === 'module' && edgeFile.test(file.name);
  const httpAllowed = edge || ['api', 'web', 'cli', 'root'].includes(from.kind);
  if (!imported.startsWith('.')) {
    if (!httpAllowed && httpPackages.some((p) => p.test(imported))) return 'HTTP package outside the HTTP edge';
    if (from.name !== 'modules/access' && accessDecisionPackages.some((p) => p.test(imported)))
      return 'access decisions belong to the access module';
    if (from.kind !== 'demo' && demoPackages.some((p) => p.test(imported))) return 'demo package outside src/demo';
    return undefined;
  }
  const targetName = path.posix.normalize(path.posix.join(path.posix.dirname(file.name), imported));
  if (targetName.startsWith('..')) return 'reaches outside src/';
  const to = partOf(targetName);
  if (to.name === from.name) return undefined;
  if ((to.kind === 'api' || to.kind === 'web') && !httpAllowed) return 'HTTP part outside the HTTP edge';
  if (to.kind !== 'module') {
    const allowed = mayImport[from.kind].includes(to.kind) || (edge && (to.kind === 'api' || to.kind === 'web'));
    return allowed ? undefined : `${from.kind} may not import ${to.kind}`;
  }
  if (standsAlone[from.name]) return standsAlone[from.name];
  const allowed = mayImport[from.kind];
  if (allowed.includes('module-internals')) return undefined;
  if (isTables(targetName) && (isTables(file.name) || allowed.includes('module-tables'))) return undefined;
  if (!allowed.includes('module')) return `${from.kind} may not import a module`;
  return targetName.endsWith('/index.ts') ? undefined : "another module's internals, not its index.ts";
}

/** Tests may reach what they test and the test support; the rules hold for what ships. */
export function importBreaks(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => !isTest(file.name))
    .flatMap((file) =>
      importsOf(file).flatMap((imported) => {
        const why = importBreak(file, imported);
        return why ? [`${file.name} imports ${imported}: ${why}`] : [];
      }),
    );
}

const parse = (file: SourceFile) => ts.createSourceFile(file.name, file.text, ts.ScriptTarget.Latest, true);

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** The tables each part owns: those its `*.tables.ts` files declare with `pgTable`. */
export function tableOwners(files: readonly SourceFile[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of files.filter((f) => isTables(f.name))) {
    walk(parse(file), (node) => {
      if (ts.isCallExpression(node) && node.expression.getText() === 'pgTable') {
        const [name] = node.arguments;
        if (name && ts.isStringLiteral(name)) owners.set(name.text, partOf(file.name).name);
      }
    });
  }
  return owners;
}

/** The literal text of every SQL statement in a file: `sql` templates, `sql.raw(...)`, and strings run as queries. */
function sqlTexts(file: SourceFile): string[] {
  const texts: string[] = [];
  const literal = (node: ts.Node | undefined) =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
  walk(parse(file), (node) => {
    if (ts.isTaggedTemplateExpression(node) && /^sql$/.test(node.tag.getText())) {
      const t = node.template;
      texts.push(
        ts.isNoSubstitutionTemplateLiteral(t)
          ? t.text
          : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)].join(' '),
      );
    }
    if (ts.isCallExpression(node) && /(^sql\.raw|\.(exec|query|execute|prepare))$/.test(node.expression.getText())) {
      for (const argument of node.arguments) {
        const text = literal(argument);
        if (text) texts.push(text);
      }
    }
  });
  return texts;
}

const tableReference = /\b(?:from|join|into|update|table|references|truncate)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** Each place a file's SQL names a table another part owns. The composition root and the CLI may name any. */
export function sqlBreaks(files: readonly SourceFile[]): string[] {
  const owners = tableOwners(files);
  return files
    .filter((file) => !isTest(file.name) && !['root', 'cli', 'demo'].includes(partOf(file.name).kind))
    .flatMap((file) => {
      const own = partOf(file.name).name;
      const named = sqlTexts(file).flatMap((text) => [...text.matchAll(tableReference)].map((m) => m[1] as string));
      return [...new Set(named)]
        .filter((table) => owners.has(table) && owners.get(table) !== own)
        .map((table) => `${file.name} names ${table} in SQL, a table of ${owners.get(table)}`);
    });
}

export function sizeBreaks(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => !(file.name in sizeExceptions))
    .flatMap((file) => {
      const lines = file.text.split('\n').length;
      const breaks = lines > maxFileLines ? [`${file.name} has ${lines} lines (at most ${maxFileLines})`] : [];
      if (isTest(file.name)) return breaks;
      const source = parse(file);
      walk(source, (node) => {
        if (!ts.isFunctionLike(node) || !('body' in node) || !node.body) return;
        const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > maxFunctionLines) {
          const name = node.name?.getText() ?? '(a function)';
          breaks.push(`${file.name}:${first + 1} ${name} has ${last - first + 1} lines (at most ${maxFunctionLines})`);
        }
      });
      return breaks;
    });
}

const sourceFiles: SourceFile[] = readdirSync(src, { recursive: true })
  .map((f) => String(f).split(path.sep).join('/'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((name) => ({ name, text: readFileSync(path.join(src, name), 'utf8') }));

const noBreaks = (breaks: string[]) => assert.deepEqual(breaks, [], `\n${breaks.join('\n')}`);

describe('the house rules (test/architecture.rules.ts)', () => {
  it('holds for every import under src/', () => noBreaks(importBreaks(sourceFiles)));
  it("lets a module's SQL name only its own tables, and storage none", () => noBreaks(sqlBreaks(sourceFiles)));
  it('keeps files and functions small', () => noBreaks(sizeBreaks(sourceFiles)));
});

describe('the house rules catch what a line-by-line reading missed', () => {
  const service = (text: string): SourceFile => ({ name: 'modules/retention/retention-sweep.ts', text });
  it('sees a multi-line import of another module’s internals and of Fastify into a service', () => {
    const breaks = importBreaks([
      service(
        "import {\n  arrests,\n  disposals,\n} from '../records/record-intake.ts';\nimport type {\n  FastifyInstance,\n} from 'fastify';\n",
      ),
    ]);
    assert.deepEqual(breaks, [
      "modules/retention/retention-sweep.ts imports ../records/record-intake.ts: another module's internals, not its index.ts",
      'modules/retention/retention-sweep.ts imports fastify: HTTP package outside the HTTP edge',
    ]);
  });

  it('sees raw SQL that names another module’s table, across lines and quoted', () => {
    const tables: SourceFile = {
      name: 'modules/records/records.tables.ts',
      text: "export const arrests = pgTable('arrests', {});",
    };
    const breaks = sqlBreaks([tables, service('const q = sql`\n  SELECT count(*)\n  FROM\n    "arrests" a`;')]);
    assert.deepEqual(breaks, ['modules/retention/retention-sweep.ts names arrests in SQL, a table of modules/records']);
  });

  it('lets the audit log import no business module, even through its index.ts', () => {
    const breaks = importBreaks([
      { name: 'modules/audit/audit-log.ts', text: "import { AccessDecisions } from '../access/index.ts';" },
    ]);
    assert.equal(breaks.length, 1);
  });
});
