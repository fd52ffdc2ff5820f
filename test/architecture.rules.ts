// The house rules, written once as data: which part of `src/` may import which, what must never be, and how big a
// file or a function may grow. `architecture.test.ts` reads every import with the TypeScript compiler's parser
// and every SQL text, and checks them against these. docs/architecture.md explains each rule.

/**
 * A part of the house. `root` is the composition root (app.ts, composition.ts, main.ts); each folder under
 * `src/modules` is a part of its own (`modules/records`, ...).
 */
export type PartKind = 'platform' | 'config' | 'storage' | 'jobs' | 'api' | 'web' | 'demo' | 'cli' | 'module' | 'root';

/** The files of the composition root: they wire everything, and nothing but the CLI imports them. */
export const rootFiles = ['app.ts', 'composition.ts', 'main.ts', 'witness-app.ts'];

/**
 * What each part may import, besides itself and npm packages. `module` means another module, and only through
 * its `index.ts` (its service API); `own-module` is a module's own files.
 */
export const mayImport: Record<PartKind, readonly string[]> = {
  platform: [],
  config: ['platform'],
  storage: ['platform', 'config'],
  jobs: ['platform', 'config', 'storage'],
  api: ['platform', 'config'],
  web: ['platform', 'config', 'api', 'module'],
  module: ['platform', 'config', 'storage', 'jobs', 'module'],
  // Demo data is written straight into the tables it fills, so it may reach any module's tables file.
  demo: ['platform', 'config', 'storage', 'module', 'module-tables'],
  cli: ['platform', 'config', 'storage', 'jobs', 'api', 'module', 'demo', 'root'],
  root: ['platform', 'config', 'storage', 'jobs', 'api', 'web', 'module', 'module-internals', 'demo', 'cli'],
};

/**
 * A module's HTTP edge: its routes and pages. Only these files of a module may import the HTTP parts (`api`,
 * `web`) and HTTP packages; the rest of a module (its services, repositories and use cases) knows no HTTP.
 */
export const edgeFile = /\.(routes|pages)\.ts$/;

/** Packages that mean HTTP or pages: no service, repository, storage, job or platform code imports them. */
export const httpPackages = [
  /^fastify(\/|$)/,
  /^fastify-plugin$/,
  /^@fastify\//,
  /^find-my-way$/,
  /^light-my-request$/,
  /^(node:)?https?$/,
  /^nunjucks(\/|$)/,
  /^govuk-frontend(\/|$)/,
  /^@ministryofjustice\//,
];

/**
 * Modules that must stand apart from the business modules. The audit log records what every module does, so
 * it imports none of them and makes no access decision (the auditor console, which does, is `oversight`).
 */
export const standsAlone: Record<string, string> = {
  'modules/audit': 'the audit log depends on no business module and makes no access decision',
};

/** Packages that make access decisions: only the access module loads them. */
export const accessDecisionPackages = [/^@cedar-policy\//];

/** Demo code (synthetic people, personas, fake names, drawn images) is loaded only by demo seeding. */
export const demoPackages = [/^@faker-js\//, /^pngjs$/];

/**
 * The files that may import `src/demo` with a static import: only what is itself loaded just for seeding. The
 * composition root and the CLI reach demo code by a dynamic `import()` when demo mode is on, so a production
 * start never loads it.
 */
export const demoLoaders = ['cli/seed.ts'];

/** Packages of the storage layer: the platform and config sit below storage and load none of them. */
export const storagePackages = [/^drizzle-orm(\/|$)/, /^pg$/, /^@electric-sql\//];
export const belowStorage: readonly string[] = ['platform', 'config'];

/**
 * Files whose SQL names a table only known when it runs (`DELETE FROM ${table}`), with why that table is always
 * the file's own module's. Every other raw statement names its tables in its text, where the test reads them.
 */
export const runtimeTableNames: Record<string, string> = {
  'modules/records/record-erasure.ts': "erasure walks the records module's own person tables (personTables)",
  'storage/bulk-insert.ts': "the table is the Drizzle table object its caller passes, named by the caller's schema",
};

/** No file under `src/` is longer, and no function, except the listed files (generated code and data tables). */
export const maxFileLines = 500;
export const maxFunctionLines = 80;
export const sizeExceptions: Record<string, string> = {};
