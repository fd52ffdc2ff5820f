import { fakerEN_GB } from '@faker-js/faker';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { CustodyImageStore } from '../modules/records/index.ts';
import * as t from '../modules/records/records.tables.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { bulkInsert } from '../storage/bulk-insert.ts';
import type { Database } from '../storage/database.ts';
import { type AddRow, drawPerson, startChunk } from './drawn-person.ts';
import { withoutItemsDue } from './population-steady-state.ts';

// Synthetic people for the demo and the benchmarks. No real personal data: names come from faker's en_GB lists,
// every identifier is generated, and custody images are abstract pictures drawn here.

export interface PopulationOptions {
  people: number;
  /** Seed for the generator: the same seed and count give the same people. */
  seed?: number;
  /** The day the population is drawn as of; events fall before it. */
  asOf?: Date;
  /** Number of the first person, so populations can be added to. */
  firstSerial?: number;
  peoplePerTransaction?: number;
  onProgress?: (peopleDone: number) => void;
  /** The ids of the items of these people (just written) that the retention rules would destroy today. */
  dueForDestruction?: (tx: Database, personIds: string[]) => Promise<string[]>;
  /** Runs after each chunk has committed (seeding brings its retention decisions up to date here). */
  afterChunk?: (personIds: string[]) => Promise<void>;
}

type Rows = Map<PgTable, Record<string, unknown>[]>;

/**
 * Draws people numbered firstSerial onwards: their rows per table and their custody image bytes. Pure: the same
 * arguments give the same rows, which is what makes the population deterministic.
 */
export function drawPopulation(options: {
  seed: number;
  asOf: Date;
  firstSerial: number;
  people: number;
  organisationIds: Map<string, string>;
}): { rows: Rows; images: Buffer[] } {
  const faker = fakerEN_GB;
  faker.seed(options.seed * 1_000_003 + options.firstSerial);
  startChunk(faker);
  const rows: Rows = new Map();
  const add: AddRow = (table, row) => {
    const list = rows.get(table) ?? [];
    list.push(row);
    rows.set(table, list);
  };
  const images: Buffer[] = [];
  for (let i = 0; i < options.people; i++)
    drawPerson(faker, options.firstSerial + i, options.asOf, options.organisationIds, add, images);
  return { rows, images };
}

/**
 * Writes a deterministic synthetic population straight into the records tables, in bulk. It writes the same
 * rows (with their provenance and source keys) that ingest would, so the demo data behaves like pushed data.
 */
export async function seedSyntheticPopulation(
  db: Database,
  images: CustodyImageStore,
  organisationIds: Map<string, string>,
  options: PopulationOptions,
): Promise<{ people: number; custodyImages: number; rows: number }> {
  const seed = options.seed ?? 2026;
  const asOf = options.asOf ?? new Date('2026-06-30T00:00:00Z');
  const firstSerial = options.firstSerial ?? 1;
  const chunk = options.peoplePerTransaction ?? 500;
  let imageCount = 0;
  let rowCount = 0;
  for (let start = 0; start < options.people; start += chunk) {
    const count = Math.min(chunk, options.people - start);
    const drawn = drawPopulation({ seed, asOf, firstSerial: firstSerial + start, people: count, organisationIds });
    const personIds = (drawn.rows.get(t.people) ?? []).map((p) => p.personId as string);
    const kept = await db.transaction(async (tx) => {
      for (const [table, list] of drawn.rows) await bulkInsert(tx, table, list);
      const due = (await options.dueForDestruction?.(tx as Database, personIds)) ?? [];
      return due.length === 0 ? drawn.rows : withoutItemsDue(tx as Database, drawn.rows, new Set(due));
    });
    for (const list of kept.values()) rowCount += list.length;
    // Only the bytes of the custody images kept are stored.
    const keptImages = new Set((kept.get(t.custodyImages) ?? []).map((image) => image.contentSha256 as string));
    const bytesKept = drawn.images.filter((bytes) => keptImages.has(sha256Hex(bytes)));
    imageCount += bytesKept.length;
    await Promise.all(bytesKept.map((bytes) => images.put(bytes)));
    const peopleKept = new Set((kept.get(t.people) ?? []).map((p) => p.personId as string));
    await options.afterChunk?.(personIds.filter((id) => peopleKept.has(id)));
    options.onProgress?.(start + count);
  }
  // Fresh statistics, so the planner does not guess at tables it has never seen the size of.
  await db.execute(sql`analyze`);
  return { people: options.people, custodyImages: imageCount, rows: rowCount };
}

export { populationExists } from './population-exists.ts';
