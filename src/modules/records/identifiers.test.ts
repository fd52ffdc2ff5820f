import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  makeAsn,
  makeCroNumber,
  makePncId,
  nameKey,
  parseAsn,
  parseCroNumber,
  parseIdentifier,
  parsePncId,
} from './identifiers.ts';

describe('PNC ID', () => {
  const valid: [string, string][] = [
    ['2004/0123456B', '2004/0123456B'],
    ['1979/0000001C', '1979/0000001C'],
    ['2023/9876543X', '2023/9876543X'],
    ['20040123456B', '2004/0123456B'],
    ['04/123456B', '2004/0123456B'],
    [' 2004/0123456b ', '2004/0123456B'],
    ['79/1C', '1979/0000001C'],
  ];
  for (const [input, canonical] of valid) {
    it(`accepts \`${input}\` as ${canonical}`, () => {
      assert.deepEqual(parsePncId(input, 2026), { ok: true, value: canonical });
    });
  }
  for (const input of ['2004/0123456C', '2004/012345B', 'ABCD/0123456B', '2004/01234567B', '']) {
    it(`rejects \`${input}\``, () => {
      assert.equal(parsePncId(input, 2026).ok, false);
    });
  }
  it('widens a short year that would be in the future to the last century', () => {
    assert.deepEqual(parsePncId(makePncId(1999, 42).replace('1999/', '99/'), 2026), {
      ok: true,
      value: makePncId(1999, 42),
    });
  });
});

describe('CRO number', () => {
  for (const [input, canonical] of [
    ['123456/98E', '123456/98E'],
    ['000012/05V', '000012/05V'],
    ['12/05V', '000012/05V'],
    ['12345698E', '123456/98E'],
  ] as const) {
    it(`accepts \`${input}\` as ${canonical}`, () =>
      assert.deepEqual(parseCroNumber(input), { ok: true, value: canonical }));
  }
  it('checks the SF form against the unpadded serial', () => {
    // 99 ‖ 123 = 99123; 99123 mod 23 = 18 -> R
    assert.deepEqual(parseCroNumber('SF99/123R'), { ok: true, value: 'SF99/123R' });
    assert.equal(parseCroNumber('SF99/000123R').ok, false);
  });
  for (const input of ['123456/98F', '1234567/98E', 'SF99/123A']) {
    it(`rejects \`${input}\``, () => assert.equal(parseCroNumber(input).ok, false));
  }
});

describe('arrest/summons number', () => {
  it('accepts the worked example with and without slashes', () => {
    assert.deepEqual(parseAsn('2401ZD0100001234567Q'), { ok: true, value: '2401ZD0100001234567Q' });
    assert.deepEqual(parseAsn('24/01ZD/01/00001234567Q'), { ok: true, value: '2401ZD0100001234567Q' });
  });
  it('rejects a wrong check character', () => assert.equal(parseAsn('2401ZD0100001234567R').ok, false));
  it('rejects a malformed number', () => assert.equal(parseAsn('24-01ZD').ok, false));
  it('ignores a non-numeric force code in the check', () => {
    const asn = makeAsn(2024, 'AB', 'ZD', '01', 77);
    assert.deepEqual(parseAsn(asn), { ok: true, value: asn });
  });
});

describe('synthetic identifiers round-trip', () => {
  it('makes valid PNC IDs, CRO numbers and ASNs', () => {
    for (let serial = 1; serial < 500; serial += 37) {
      assert.equal(parsePncId(makePncId(2010, serial)).ok, true);
      assert.equal(parseCroNumber(makeCroNumber(serial, 2011)).ok, true);
      assert.equal(parseAsn(makeAsn(2019, '01', 'YZ', '02', serial)).ok, true);
    }
  });
});

describe('other identifiers and name keys', () => {
  it('normalises an NI number and rejects a bad one', () => {
    assert.deepEqual(parseIdentifier('NI_NUMBER', 'ab 12 34 56 c'), { ok: true, value: 'AB123456C' });
    assert.equal(parseIdentifier('NI_NUMBER', 'DA123456C').ok, false);
  });
  it('folds case, accents and punctuation in names', () => {
    assert.equal(nameKey("O'Brien"), 'OBRIEN');
    assert.equal(nameKey('Zoë-Ann'), 'ZOEANN');
  });
});
