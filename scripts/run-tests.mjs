// Runs the test files with Node's test runner and tsx. Node 20's runner takes no globs, so the files are found here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const named = process.argv.slice(2);
const roots = named.length > 0 ? named : ['src', 'test'];
const files = roots
  .flatMap((root) =>
    statSync(root).isFile()
      ? [root]
      : readdirSync(root, { recursive: true, withFileTypes: false }).map((f) => path.join(root, String(f))),
  )
  .filter((f) => f.endsWith('.test.ts') && (named.length > 0 || !f.split(path.sep).includes('browser')))
  .sort();
const concurrency = process.env.LEDS_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
