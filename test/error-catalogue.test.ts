import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorCatalogue } from '../src/platform/errors.ts';

describe('error catalogue', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));

  it('documents every code with its status in docs/errors.md', () => {
    for (const [code, { status }] of Object.entries(errorCatalogue)) {
      assert.equal(documented.get(code), status, `docs/errors.md lists ${code} as ${status}`);
    }
  });

  it('documents no code that the catalogue does not have', () => {
    for (const code of documented.keys())
      assert.ok(code !== undefined && code in errorCatalogue, `${code} is in the catalogue`);
  });

  it('names every code <MODULE>_<CONDITION>', () => {
    for (const code of Object.keys(errorCatalogue))
      assert.match(code, /^(REQUEST|ACCESS|RECORDS|INGEST|AUDIT|RETENTION|STORAGE|INTERNAL)_[A-Z_]+$/);
  });
});
