import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pagePath, safeNext } from './page-session.ts';

// [next, where the page goes] — a path of this site in visible ASCII is kept; anything a Location header cannot
// carry, or that leaves the site, goes home.
const nextCases: [unknown, string][] = [
  ['/people/search?surname=Smith', '/people/search?surname=Smith'],
  ['/audit/entries/12', '/audit/entries/12'],
  ['/people/%F0%9F%98%80', '/people/%F0%9F%98%80'],
  ['//evil.example', '/people/search'],
  ['/\\evil.example', '/people/search'],
  ['https://evil.example/', '/people/search'],
  ['/people/\u{1F600}', '/people/search'],
  ['/people/é', '/people/search'],
  ['/people/a\u0001b', '/people/search'],
  ['/people/a b', '/people/search'],
  ['/\u2028', '/people/search'],
  ['', '/people/search'],
  [['/audit'], '/people/search'],
  [undefined, '/people/search'],
];

describe('where a page goes next', () => {
  for (const [next, expected] of nextCases)
    it(`goes to ${expected} for ${JSON.stringify(next)}`, () => assert.equal(safeNext(next), expected));

  it('puts each value in a path as one encoded segment, whatever characters it holds', () => {
    assert.equal(pagePath`/retention/people/${'3f2c'}`, '/retention/people/3f2c');
    assert.equal(pagePath`/retention/people/${'\ufeff\u{1F600}'}/x`, '/retention/people/%EF%BB%BF%F0%9F%98%80/x');
    assert.equal(pagePath`/a/${'../b?c=d#e'}`, '/a/..%2Fb%3Fc%3Dd%23e');
    assert.equal(pagePath`/a/${'\ud800'}`, '/a/%EF%BF%BD', 'a lone surrogate becomes U+FFFD, not an exception');
  });
});
