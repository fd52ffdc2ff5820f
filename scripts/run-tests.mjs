// Runs the test files with Node's test runner and tsx. Node 20's runner takes no globs, so the files are found here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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
const guard = pathToFileURL(path.resolve(import.meta.dirname, '..', 'test', 'support', 'stay-in-repository.mjs')).href;
const concurrency = process.env.LEDS_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    // Every test process, and every CLI process a test starts, refuses to read beside the repository.
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${guard}`.trim() },
  },
);
process.exit(result.status ?? 1);
