import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

const repository = path.resolve(import.meta.dirname, '..');
const beside = path.join(path.dirname(repository), 'shared', 'testdata');

describe('the tests stay in the repository', () => {
  it('refuses a read beside the repository, whether or not the file is there', async () => {
    assert.throws(() => readFileSync(path.join(beside, 'README.md')), /outside the repository/);
    assert.throws(() => existsSync(beside), /outside the repository/);
    await assert.rejects(readdir(beside), /outside the repository/);
  });

  it('refuses it in a process a test starts too', () => {
    const child = spawnSync(process.execPath, ['-e', `require('node:fs').readFileSync(${JSON.stringify(beside)})`], {
      encoding: 'utf8',
    });
    assert.notEqual(child.status, 0);
    assert.match(child.stderr, /outside the repository/);
  });

  it('reads the repository itself and the system temporary folder as usual', () => {
    assert.ok(readFileSync(path.join(repository, 'package.json'), 'utf8').includes('"name": "leds"'));
    assert.ok(existsSync(path.join(repository, 'test', 'vectors', 'rfc9162-merkle', 'LICENSE')));
  });
});
