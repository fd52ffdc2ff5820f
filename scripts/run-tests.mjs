// Runs the test files with Node's test runner and tsx. Node 20's runner takes no globs, so the files are found here.
import { spawn } from 'node:child_process';
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
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${guard}`.trim() };

/** Runs the test files in one `node --test`, echoing its output as it comes; resolves to its status and output. */
function run(testFiles) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...testFiles],
      // Every test process, and every CLI process a test starts, refuses to read beside the repository.
      { stdio: ['inherit', 'pipe', 'pipe'], env },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

const first = await run(files);
// V8 in Node 20 now and then aborts a process with "Fatal error in , line 0 / unreachable code" in its deoptimizer
// (nodejs/node#51555, #55289), which takes one test file down with it. When that, and nothing else, failed, the
// crashed files run once more and their result stands; a test that fails an assertion is never run again.
const crashed = [...first.output.matchAll(/^✖ (\S+\.test\.ts) \([\d.]+ms\)\n\s+'test failed'/gm)].map((m) => m[1]);
const failed = Number(first.output.match(/^ℹ fail (\d+)$/m)?.[1] ?? 0);
const v8Fatal = /# Fatal error in , line 0\n# unreachable code/.test(first.output);
if (first.status !== 0 && v8Fatal && crashed.length > 0 && failed === new Set(crashed).size) {
  const again = [...new Set(crashed)];
  console.log(`\nV8 aborted the process running ${again.join(', ')} (nodejs/node#51555); running it once more.\n`);
  process.exit((await run(again)).status);
}
process.exit(first.status);
