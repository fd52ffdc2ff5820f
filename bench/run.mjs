// npm run bench: runs every *.bench.ts in this folder, one after another, passing the arguments on.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const folder = import.meta.dirname;
for (const file of readdirSync(folder)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(folder, file), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
