import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CrossOriginRequest, crossOriginRefusal } from './cross-origin-protection.ts';

const trusted = new Set(['https://portal.example.org']);
const request = (method: string, headers: CrossOriginRequest['headers'], host = 'leds.example.org') => ({
  method,
  headers,
  protocol: 'https',
  host,
});

// [case, request, refused?] — the decisions of Go 1.25's net/http.CrossOriginProtection, with the origin compared by
// scheme, host and port.
const cases: [string, CrossOriginRequest, boolean][] = [
  ['a GET from another site', request('GET', { 'sec-fetch-site': 'cross-site' }), false],
  ['a HEAD from another site', request('HEAD', { 'sec-fetch-site': 'cross-site' }), false],
  ['an OPTIONS from another site', request('OPTIONS', { origin: 'https://evil.example' }), false],
  ['a POST from the same origin', request('POST', { 'sec-fetch-site': 'same-origin' }), false],
  ['a POST the user made (bookmark, address bar)', request('POST', { 'sec-fetch-site': 'none' }), false],
  ['a POST from another site', request('POST', { 'sec-fetch-site': 'cross-site' }), true],
  ['a POST from the same site but another origin', request('POST', { 'sec-fetch-site': 'same-site' }), true],
  ['a DELETE from another site', request('DELETE', { 'sec-fetch-site': 'cross-site' }), true],
  ['a lowercase post from another site', request('post', { 'sec-fetch-site': 'cross-site' }), true],
  [
    'a POST whose Sec-Fetch-Site says another site although Origin is this server',
    request('POST', { 'sec-fetch-site': 'cross-site', origin: 'https://leds.example.org' }),
    true,
  ],
  [
    'a POST from a trusted origin',
    request('POST', { 'sec-fetch-site': 'cross-site', origin: 'https://portal.example.org' }),
    false,
  ],
  ['a POST with neither header (not a browser)', request('POST', {}), false],
  ['an old browser posting from this origin', request('POST', { origin: 'https://leds.example.org' }), false],
  [
    'an old browser posting from this origin, Host naming the default port',
    request('POST', { origin: 'https://leds.example.org' }, 'leds.example.org:443'),
    false,
  ],
  ['an old browser posting from another origin', request('POST', { origin: 'https://evil.example' }), true],
  ['an old browser posting from another port', request('POST', { origin: 'https://leds.example.org:8443' }), true],
  ['an old browser posting from plain http', request('POST', { origin: 'http://leds.example.org' }), true],
  ['an old browser posting from an opaque origin', request('POST', { origin: 'null' }), true],
  ['an old browser posting from a trusted origin', request('POST', { origin: 'https://portal.example.org' }), false],
  ['a Host that is not a host', request('POST', { origin: 'https://leds.example.org' }, 'a b'), true],
];

describe('cross-origin protection', () => {
  for (const [name, given, refused] of cases) {
    it(`${refused ? 'refuses' : 'allows'} ${name}`, () => {
      const refusal = crossOriginRefusal(given, trusted);
      assert.equal(refusal !== undefined, refused, refusal);
    });
  }
});
