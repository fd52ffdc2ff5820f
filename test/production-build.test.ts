import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '..');
const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

describe('the production build (npm run build)', () => {
  it('compiles src/ into dist/ with the page templates beside it, and the built command runs', () => {
    const build = run(['scripts/build.mjs']);
    assert.equal(build.status, 0, build.stderr + build.stdout);
    assert.ok(existsSync(path.join(root, 'dist', 'web', 'views', 'layout.njk')));
    assert.ok(!existsSync(path.join(root, 'dist', 'platform', 'clock.test.js')), 'tests are not built');
    const help = run(['dist/main.js', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: leds/);
  });
});
