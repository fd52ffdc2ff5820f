// The production build: TypeScript compiled by tsc into dist/ (the same folder layout as src/, so every path a
// module resolves from its own folder, such as ../../drizzle, still holds), with the page templates and static
// files copied beside the code that reads them.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const assets of ['web/views', 'web/static']) {
  cpSync(path.join(root, 'src', assets), path.join(dist, assets), { recursive: true });
}
console.log(`built ${path.relative(root, dist)}/`);
