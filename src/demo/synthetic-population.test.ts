import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAsn, parseCroNumber, parsePncId } from '../modules/records/identifiers.ts';
import * as t from '../modules/records/records.tables.ts';
import { drawPopulation } from './synthetic-population.ts';

const organisationIds = new Map(
  ['MPS', 'WMP', 'GMP', 'TVP', 'ASP'].map((code, i) => [code, `00000000-0000-4000-8000-00000000000${i}`]),
);
const draw = (seed: number, people = 400) =>
  drawPopulation({ seed, asOf: new Date('2026-06-30T00:00:00Z'), firstSerial: 1, people, organisationIds });

describe('synthetic population', () => {
  it('is the same for the same seed and different for another', () => {
    const a = draw(7);
    const b = draw(7);
    const c = draw(8);
    assert.deepEqual(a.rows.get(t.personNames), b.rows.get(t.personNames));
    assert.deepEqual(a.images, b.images);
    assert.notDeepEqual(a.rows.get(t.personNames), c.rows.get(t.personNames));
  });

  it('ends a good share of cases without a conviction', () => {
    const disposals = draw(1, 1000).rows.get(t.disposals) ?? [];
    const share = (outcomes: string[]) =>
      disposals.filter((d) => outcomes.includes(d.outcome as string)).length / disposals.length;
    const unconvicted = share(['NO_FURTHER_ACTION', 'ACQUITTED', 'WITHDRAWN', 'DISCONTINUED', 'DISMISSED']);
    assert.ok(unconvicted > 0.35 && unconvicted < 0.6, `unconvicted share ${unconvicted}`);
    assert.ok(share(['CONVICTED']) > 0.2);
  });

  it('makes only valid, unique identifiers', () => {
    const { rows } = draw(3, 1000);
    const identifiers = rows.get(t.personIdentifiers) ?? [];
    const keys = new Set(identifiers.map((i) => `${i.identifierType}:${i.value}`));
    assert.equal(keys.size, identifiers.length);
    for (const i of identifiers) {
      if (i.identifierType === 'PNC_ID') assert.ok(parsePncId(i.value as string).ok, String(i.value));
      if (i.identifierType === 'CRO_NUMBER') assert.ok(parseCroNumber(i.value as string).ok, String(i.value));
    }
    for (const arrest of rows.get(t.arrests) ?? []) assert.ok(parseAsn(arrest.asn as string).ok, String(arrest.asn));
  });

  it('links every custody image to a custody record of the same person and gives each distinct bytes', () => {
    const { rows, images } = draw(4, 500);
    const custody = new Map((rows.get(t.custodyRecords) ?? []).map((r) => [r.id, r.personId]));
    for (const image of rows.get(t.custodyImages) ?? [])
      assert.equal(custody.get(image.custodyRecordId), image.personId);
    assert.equal(new Set(images.map((b) => b.toString('base64'))).size, images.length);
  });
});
