import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import {
  accessDecisionPackages,
  belowStorage,
  demoLoaders,
  demoPackages,
  edgeFile,
  httpPackages,
  maxFileLines,
  maxFunctionLines,
  mayImport,
  type PartKind,
  rootFiles,
  runtimeTableNames,
  sizeExceptions,
  standsAlone,
  storagePackages,
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

/** What a file imports with a dynamic `import()` (the rest it imports statically). */
function dynamicImportsOf(file: SourceFile): { named: Set<string>; unreadable: number } {
  const named = new Set<string>();
  let unreadable = 0;
  walk(parse(file), (node) => {
    if (!ts.isCallExpression(node) || node.expression.kind !== ts.SyntaxKind.ImportKeyword) return;
    const [target] = node.arguments;
    if (target && (ts.isStringLiteral(target) || ts.isNoSubstitutionTemplateLiteral(target))) named.add(target.text);
    else unreadable += 1;
  });
  return { named, unreadable };
}

const resolve = (file: SourceFile, imported: string) =>
  path.posix.normalize(path.posix.join(path.posix.dirname(file.name), imported));

/** Why one import breaks a rule, or undefined when it keeps them all. */
function importBreak(file: SourceFile, imported: string, dynamic: boolean): string | undefined {
  const from = partOf(file.name);
  const edge = from.kind === 'module' && edgeFile.test(file.name);
  const httpAllowed = edge || ['api', 'web', 'cli', 'root'].includes(from.kind);
  if (!imported.startsWith('.')) {
    if (imported.startsWith('/') || imported.startsWith('file:')) return 'an absolute path: import by a relative one';
    if (!httpAllowed && httpPackages.some((p) => p.test(imported))) return 'HTTP package outside the HTTP edge';
    if (from.name !== 'modules/access' && accessDecisionPackages.some((p) => p.test(imported)))
      return 'access decisions belong to the access module';
    if (from.kind !== 'demo' && demoPackages.some((p) => p.test(imported))) return 'demo package outside src/demo';
    if (belowStorage.includes(from.kind) && storagePackages.some((p) => p.test(imported)))
      return `${from.kind} is below storage`;
    return undefined;
  }
  const targetName = resolve(file, imported);
  if (targetName.startsWith('..')) return 'reaches outside src/';
  const to = partOf(targetName);
  if (to.kind === 'demo' && from.kind !== 'demo' && !dynamic && !demoLoaders.includes(file.name))
    return 'demo code loads only for demo mode and seeding: import it with import() where demo mode is on';
  if (to.name === from.name) {
    if (from.kind === 'module' && !edge && edgeFile.test(targetName)) return "a module's HTTP edge, from a service";
    if (file.name.endsWith('/index.ts') && isTables(targetName)) return "a module's tables, from its index.ts";
    return undefined;
  }
  if ((to.kind === 'api' || to.kind === 'web') && !httpAllowed) return 'HTTP part outside the HTTP edge';
  if (to.kind !== 'module') {
    const allowed = mayImport[from.kind].includes(to.kind) || (edge && (to.kind === 'api' || to.kind === 'web'));
    return allowed ? undefined : `${from.kind} may not import ${to.kind}`;
  }
  if (standsAlone[from.name]) return standsAlone[from.name];
  const allowed = mayImport[from.kind];
  if (allowed.includes('module-internals')) return undefined;
  const moduleTables = isTables(file.name) && from.kind === 'module';
  if (isTables(targetName) && (moduleTables || allowed.includes('module-tables'))) return undefined;
  if (!allowed.includes('module')) return `${from.kind} may not import a module`;
  return targetName.endsWith('/index.ts') ? undefined : "another module's internals, not its index.ts";
}

/** Tests may reach what they test and the test support; the rules hold for what ships. */
export function importBreaks(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => !isTest(file.name))
    .flatMap((file) => {
      const { named, unreadable } = dynamicImportsOf(file);
      const breaks = importsOf(file).flatMap((imported) => {
        const why = importBreak(file, imported, named.has(imported));
        return why ? [`${file.name} imports ${imported}: ${why}`] : [];
      });
      if (unreadable > 0) breaks.push(`${file.name} has an import() of a path the test cannot read: name it literally`);
      return breaks;
    });
}

/**
 * A part that stands alone must not reach another module by way of a third part either (its log through the page
 * shell to access, say). Its HTTP edge may use the page shell, which knows the signed-in user.
 */
export function standAloneBreaks(files: readonly SourceFile[]): string[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const reached = (start: SourceFile): Set<string> => {
    const seen = new Set<string>();
    const queue = [start];
    for (let file = queue.pop(); file; file = queue.pop()) {
      for (const imported of importsOf(file).filter((i) => i.startsWith('.'))) {
        const target = resolve(file, imported);
        if (seen.has(target)) continue;
        seen.add(target);
        const next = byName.get(target);
        if (next) queue.push(next);
      }
    }
    return seen;
  };
  return files
    .filter((f) => !isTest(f.name) && !edgeFile.test(f.name) && standsAlone[partOf(f.name).name])
    .flatMap((file) => {
      const own = partOf(file.name).name;
      const other = [...reached(file)].find((t) => partOf(t).kind === 'module' && partOf(t).name !== own);
      return other ? [`${file.name} reaches ${other}: ${standsAlone[own]}`] : [];
    });
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

/** A template's text with each `${...}` as `?`, so `FROM ${x} JOIN people` still names people after the JOIN. */
function templateText(node: ts.TemplateLiteral): string {
  return ts.isNoSubstitutionTemplateLiteral(node)
    ? node.text
    : [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? ');
}

/**
 * The text of every SQL statement in a file: `sql` templates (under any name the tag is imported as), the
 * arguments of `sql.raw(...)`, and strings run as queries. `raw` marks text given as raw SQL, where a `?` after
 * FROM is a table name only known at run time.
 */
function sqlTexts(file: SourceFile): { text: string; raw: boolean }[] {
  const texts: { text: string; raw: boolean }[] = [];
  const source = parse(file);
  const sqlTags = new Set(['sql']);
  walk(source, (node) => {
    if (ts.isImportSpecifier(node) && (node.propertyName ?? node.name).text === 'sql') sqlTags.add(node.name.text);
  });
  const textOf = (node: ts.Node | undefined) =>
    node && ts.isStringLiteral(node) ? node.text : node && ts.isTemplateLiteral(node) ? templateText(node) : undefined;
  walk(source, (node) => {
    if (ts.isTaggedTemplateExpression(node) && sqlTags.has(node.tag.getText().split('.').pop() ?? ''))
      texts.push({ text: templateText(node.template), raw: false });
    // A statement kept in a plain string or template, to be run later (`sql.raw(query)`), is SQL too.
    if (
      (ts.isStringLiteral(node) || ts.isTemplateLiteral(node)) &&
      !ts.isTaggedTemplateExpression(node.parent) &&
      looksLikeStatement(textOf(node) ?? '')
    )
      texts.push({ text: textOf(node) as string, raw: true });
    if (ts.isCallExpression(node) && /(\bsql\.raw|\.(exec|query|execute|prepare))$/.test(node.expression.getText())) {
      for (const argument of node.arguments) {
        const text = textOf(argument);
        if (text) texts.push({ text, raw: true });
      }
    }
  });
  return texts.map(({ text, raw }) => ({
    // Comments out, and the schema a table is in: `public.arrests` and `"public"."arrests"` name arrests.
    text: text
      .replace(/--[^\n]*/g, ' ')
      .replace(/\/\*[\s\S]*?\*\//g, ' ')
      .replace(/"?\bpublic"?\s*\.\s*/gi, ''),
    raw,
  }));
}

/** Text that reads as an SQL statement rather than prose: a verb, then the clause that names its table. */
const looksLikeStatement = (text: string) =>
  /\b(select|delete)\b[\s\S]*\bfrom\s|\binsert\s+into\s|\bupdate\s+"?[a-z_]+"?\s+set\s|\bjoin\s+"?[a-z_]+"?\s/i.test(
    text,
  );

const tableReference =
  /\b(?:from|join|into|update|table|references|truncate|using|lock|copy)\s+(?:only\s+)?\(?\s*"?([a-z_][a-z0-9_]*)"?/gi;
// FROM a, b: every name of a comma list after FROM names a table too.
const tableList = /\bfrom\s+((?:"?[a-z_][a-z0-9_]*"?(?:\s+(?:as\s+)?[a-z_][a-z0-9_]*)?\s*,\s*)+"?[a-z_][a-z0-9_]*"?)/gi;
const runtimeTable = /\b(?:from|join|into|update|table|using)\s+(?:only\s+)?\?/i;

function tablesNamed(text: string): string[] {
  const named = [...text.matchAll(tableReference)].map((m) => m[1] as string);
  for (const list of text.matchAll(tableList))
    for (const item of (list[1] as string).split(','))
      named.push(item.trim().replace(/"/g, '').split(/\s+/)[0] as string);
  return named;
}

/** The string literals of a file that are exactly a table's name: a list of tables to build SQL from. */
function tableNameLiterals(file: SourceFile, owners: Map<string, string>): string[] {
  const names: string[] = [];
  walk(parse(file), (node) => {
    const text = (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && node.text;
    // A type (`Facts['arrests']`) names a field, not a table.
    if (text && owners.has(text) && !ts.isLiteralTypeNode(node.parent)) names.push(text);
  });
  return names;
}

/** Each place a file's SQL names a table another part owns. The composition root and the CLI may name any. */
export function sqlBreaks(files: readonly SourceFile[]): string[] {
  const owners = tableOwners(files);
  return files
    .filter((file) => !isTest(file.name) && !['root', 'cli', 'demo'].includes(partOf(file.name).kind))
    .flatMap((file) => {
      const own = partOf(file.name).name;
      const texts = sqlTexts(file);
      const named = [...texts.flatMap(({ text }) => tablesNamed(text)), ...tableNameLiterals(file, owners)];
      const breaks = [...new Set(named)]
        .filter((table) => owners.has(table) && owners.get(table) !== own)
        .map((table) => `${file.name} names ${table} in SQL, a table of ${owners.get(table)}`);
      if (!(file.name in runtimeTableNames) && texts.some(({ text, raw }) => raw && runtimeTable.test(text)))
        breaks.push(`${file.name} runs raw SQL on a table named only at run time: name it in the text`);
      return breaks;
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
        const body = ts.isClassStaticBlockDeclaration(node) || (ts.isFunctionLike(node) && 'body' in node && node.body);
        if (!body) return;
        const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > maxFunctionLines) {
          const name = ('name' in node && node.name?.getText()) || '(a function)';
          breaks.push(`${file.name}:${first + 1} ${name} has ${last - first + 1} lines (at most ${maxFunctionLines})`);
        }
      });
      return breaks;
    });
}

const sourceFiles: SourceFile[] = readdirSync(src, { recursive: true })
  .map((f) => String(f).split(path.sep).join('/'))
  // Every file of code, whatever its extension: a .mts, .js or .d.ts file is under the rules too.
  .filter((f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f))
  .map((name) => ({ name, text: readFileSync(path.join(src, name), 'utf8') }));

const noBreaks = (breaks: string[]) => assert.deepEqual(breaks, [], `\n${breaks.join('\n')}`);

describe('the house rules (test/architecture.rules.ts)', () => {
  it('holds for every import under src/', () => noBreaks(importBreaks(sourceFiles)));
  it('keeps the audit log apart from the business modules by any path', () => noBreaks(standAloneBreaks(sourceFiles)));
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
    // A statement kept in a plain template for `sql.raw` later, and prose that only mentions a table, not SQL.
    assert.deepEqual(sqlBreaks([tables, service('const q = `SELECT count(*) FROM\n  arrests`;')]), [
      'modules/retention/retention-sweep.ts names arrests in SQL, a table of modules/records',
    ]);
    assert.deepEqual(sqlBreaks([tables, service("const m = 'the arrests this force holds';")]), []);
  });

  it('sees what an outside review slipped past the first version of this test', () => {
    const tables: SourceFile = {
      name: 'modules/records/records.tables.ts',
      text: "export const people = pgTable('people', {});",
    };
    const breaks = [
      ...importBreaks([
        service("import type { FastifyRequest } from 'fastify/types/request.js';"),
        service("import { retentionRoutes } from './retention.routes.ts';"),
        service("import { demoPersonas } from '../../demo/demo-personas.ts';"),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is source code under test
        service('const intake = await import(`../records/${kind}-intake.ts`);'),
        { name: 'modules/records/index.ts', text: "export { people } from './records.tables.ts';" },
        { name: 'platform/ids.ts', text: "import { sql } from 'drizzle-orm';" },
      ]),
      ...sqlBreaks([
        tables,
        service('const a = sql`SELECT 1 FROM /* the person */ public.people`;'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is source code under test
        service('const b = sql.raw(`DELETE FROM ${table} WHERE person_id = $1`);'),
        service("const c = ['people', 'custody_images'];"),
      ]),
    ];
    assert.equal(breaks.length, 9, breaks.join('\n'));
  });

  it('follows the audit log through other parts to a business module', () => {
    const breaks = standAloneBreaks([
      { name: 'modules/audit/audit-log.ts', text: "import { pageLocals } from '../../web/page-session.ts';" },
      { name: 'web/page-session.ts', text: "import { AccessService } from '../modules/access/index.ts';" },
    ]);
    assert.deepEqual(breaks, [
      'modules/audit/audit-log.ts reaches modules/access/index.ts: the audit log depends on no business module and makes no access decision',
    ]);
  });

  it('lets the audit log import no business module, even through its index.ts', () => {
    const breaks = importBreaks([
      { name: 'modules/audit/audit-log.ts', text: "import { AccessDecisions } from '../access/index.ts';" },
    ]);
    assert.equal(breaks.length, 1);
  });
});
