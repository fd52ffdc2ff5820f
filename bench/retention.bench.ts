// The retention sweep over a population of custody images and their people, against a plain sequential read of
// the same tables in the same run. `npm run bench -- --images 1000000` (default); on PostgreSQL when DATABASE_URL
// is set (database leds_retention_bench is created beside it), otherwise PGlite in bench/.data.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createServices } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { operatorContext } from '../src/platform/request-context.ts';
import { queryRows } from '../src/storage/database.ts';

const { values } = parseArgs({
  options: { images: { type: 'string', default: '1000000' }, deletions: { type: 'string', default: '1000' } },
  strict: false,
});
const images = Number(values.images);
// People whose outcome arrives as an acquittal in the deletion phase (and as many again for its baseline).
const deletionPeople = Number(values.deletions);
const peopleWanted = Math.ceil(images / 2);
const dataDir = path.resolve(import.meta.dirname, '.data', `retention-${images}`);
mkdirSync(dataDir, { recursive: true });

let databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = 'leds_retention_bench'`);
  if (exists.rowCount === 0) await admin.query('create database leds_retention_bench');
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = '/leds_retention_bench';
  databaseUrl = url.toString();
}
const services = await createServices(
  loadConfig(
    { ...process.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    {
      dataDir,
      blobDir: path.join(dataDir, 'blobs'),
      sessionSecret: 'bench-session-secret-of-32-characters!',
      logLevel: 'silent',
    },
  ),
);
const { db } = services.database;
const n = async (table: string) =>
  (await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n ?? 0;

if ((await n('custody_images')) < images) {
  const started = performance.now();
  console.log(`building ${peopleWanted} people with ${images} custody images on ${services.database.kind}...`);
  const organisation =
    (await services.access.findOrganisation('BENCHFORCE')) ??
    (await services.access.createOrganisation({ code: 'BENCHFORCE', name: 'Bench Force', kind: 'POLICE_FORCE' }));
  const org = organisation.id;
  const prov = (prefix: string) => `'${org}'::uuid, 'BENCH', '${prefix}' || i, 'EVIDENTIAL', 'DPA2018_PART3'`;
  const cols = 'owning_organisation_id, source_system, source_record_id, material_class, legal_regime';
  const chunk = 100_000;
  // A population built by a smaller run is extended, not rebuilt.
  for (let from = (await n('people')) + 1; from <= peopleWanted; from += chunk) {
    const to = Math.min(peopleWanted, from + chunk - 1);
    const series = `generate_series(${from}, ${to}) i`;
    const statements = [
      `insert into people (person_id, sex, ${cols}) select md5('p'||i)::uuid, 'MALE', ${prov('P')} from ${series}`,
      `insert into person_dates_of_birth (id, person_id, date_of_birth, ${cols}) select md5('b'||i)::uuid, md5('p'||i)::uuid, date '1960-01-01' + (i % 15000), ${prov('P')} from ${series}`,
      `insert into arrests (id, person_id, asn, event_type, occurred_at, fingerprint_status, offence_summary, ${cols}) select md5('a'||i)::uuid, md5('p'||i)::uuid, 'BENCH' || i, 'ARREST', timestamptz '2018-01-01' + (i % 2000) * interval '1 day', 'TAKEN', 'Theft', ${prov('A')} from ${series}`,
      `insert into offences (id, person_id, arrest_id, offence_code, title, recordable, qualifying, ${cols}) select md5('o'||i)::uuid, md5('p'||i)::uuid, md5('a'||i)::uuid, 'TH68001', 'Theft', true, i % 10 = 0, ${prov('O')} from ${series}`,
      // 70% convicted; the rest await their outcome, so a sweep decides everything and destroys nothing.
      `insert into disposals (id, person_id, arrest_id, outcome, disposed_on, recordable, ${cols}) select md5('d'||i)::uuid, md5('p'||i)::uuid, md5('a'||i)::uuid, 'CONVICTED', date '2020-01-01' + (i % 1500), true, ${prov('D')} from ${series} where i % 10 < 7`,
      `insert into custody_records (id, person_id, arrest_id, custody_reference, station, opened_at, ${cols}) select md5('r'||i)::uuid, md5('p'||i)::uuid, md5('a'||i)::uuid, 'BR/' || i, 'Bench', timestamptz '2018-01-01' + (i % 2000) * interval '1 day', ${prov('R')} from ${series}`,
      `insert into custody_images (id, person_id, arrest_id, custody_record_id, taken_at, subject_age_at_capture, media_type, byte_size, content_sha256, ${cols}) select md5('i'||i||'-'||k)::uuid, md5('p'||i)::uuid, md5('a'||i)::uuid, md5('r'||i)::uuid, timestamptz '2018-01-01' + (i % 2000) * interval '1 day', 30, 'image/png', 100, md5('i'||i||'-'||k) || md5('j'||i||'-'||k), 'BENCH', 'BENCH', 'I' || i || '-' || k, 'EVIDENTIAL', 'DPA2018_PART3' from ${series}, generate_series(1, 2) k`.replace(
        `'BENCH', 'BENCH', 'I'`,
        `'${org}'::uuid, 'BENCH', 'I'`,
      ),
    ];
    for (const statement of statements) await db.execute(sql.raw(statement));
    console.log(`  ${to} people (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}
/**
 * The tables as autovacuum keeps them between sweeps (it is off on this machine kind): vacuumed, with planner
 * statistics. Without it the first reader of freshly written pages pays for their hint bits, and with no
 * statistics the planner guesses. On PostgreSQL as the database owner: the app's pool role may not vacuum or
 * analyze tables it does not own, and PostgreSQL skips them silently.
 */
async function settle() {
  if (databaseUrl) {
    const owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    await owner.query('vacuum analyze');
    await owner.end();
  } else {
    await db.execute(sql.raw('vacuum analyze'));
  }
}
await settle();

const people = await n('people');
const held = await n('custody_images');
console.log(`population: ${people} people, ${held} custody images (${services.database.kind})`);

/** A plain sequential read of every row of the tables the sweep reads, in primary-key order, 10,000 at a time. */
async function sequentialScan(): Promise<number> {
  let rows = 0;
  const tables: [string, string][] = [
    ['people', 'person_id'],
    ['person_dates_of_birth', 'id'],
    ['arrests', 'id'],
    ['offences', 'id'],
    ['charges', 'id'],
    ['disposals', 'id'],
    ['custody_images', 'id'],
    ['biometric_references', 'id'],
    ['markers', 'id'],
  ];
  for (const [table, key] of tables) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await queryRows<{ k: string }>(
        db,
        sql.raw(`select ${key}::text as k, t.* from ${table} t where ${key} > '${after}' order by ${key} limit 10000`),
      );
      if (batch.length === 0) break;
      rows += batch.length;
      after = batch[batch.length - 1]?.k as string;
    }
  }
  return rows;
}

const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
};

const [scanned, scanSeconds] = await time(sequentialScan);
console.log(`plain sequential scan: ${scanned} rows in ${scanSeconds.toFixed(1)} s`);
const by = operatorContext('JOB', 'bench');
for (const label of ['sweep (decisions written as they change)', 'sweep again (steady state)']) {
  await settle();
  const [report, seconds] = await time(() =>
    services.retention.sweep(by, {
      onProgress: (done) => {
        if (done % 100_000 === 0) console.log(`  ${done} people`);
      },
    }),
  );
  console.log(
    `${label}: ${report.people} people, ${report.items} items (${held} custody images), ${report.changed} changed, ${report.destroyed} destroyed in ${seconds.toFixed(1)} s: ${Math.round(report.items / seconds).toLocaleString('en-GB')} items/s, ${Math.round(held / seconds).toLocaleString('en-GB')} images/s; ${(seconds / scanSeconds).toFixed(2)}x the sequential scan`,
  );
}

// Deletion: an acquittal arrives for people awaiting their outcome, and LEDS re-decides them as ingest does after
// each transaction (100 people at a time). Each custody image is erased with its tombstone, the force's notice and
// an audit entry sealing the content. Baseline: a plain DELETE of as many other people's images, same batches.
const awaiting = (
  await queryRows<{ person_id: string }>(
    db,
    sql`select distinct ci.person_id from custody_images ci
        where not exists (select 1 from disposals d where d.person_id = ci.person_id)
        limit ${deletionPeople * 2}`,
  )
).map((r) => r.person_id);
if (awaiting.length < deletionPeople * 2) {
  console.log(`deletion: only ${awaiting.length} people await an outcome; rebuild the population to measure it`);
} else {
  const erased = awaiting.slice(0, deletionPeople);
  const baseline = awaiting.slice(deletionPeople);
  const batches = (ids: string[]) =>
    Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100));
  const [plainRows, plainSeconds] = await time(async () => {
    let rows = 0;
    for (const batch of batches(baseline)) {
      const deleted = await queryRows(
        db,
        sql`delete from custody_images where person_id = any(${`{${batch.join(',')}}`}::uuid[]) returning id`,
      );
      rows += deleted.length;
    }
    return rows;
  });
  await db.execute(
    sql.raw(
      `insert into disposals (id, person_id, arrest_id, outcome, disposed_on, recordable, owning_organisation_id, source_system, source_record_id, material_class, legal_regime)
       select gen_random_uuid(), a.person_id, a.id, 'ACQUITTED', date '2026-01-15', true, a.owning_organisation_id, 'BENCH', 'DQ' || a.id, 'EVIDENTIAL', 'DPA2018_PART3'
       from arrests a where a.person_id in (${erased.map((id) => `'${id}'`).join(',')})`,
    ),
  );
  const [destroyed, engineSeconds] = await time(async () => {
    let total = 0;
    for (const batch of batches(erased)) total += (await services.retention.reevaluate(by, batch)).destroyed;
    return total;
  });
  console.log(
    `plain delete of ${plainRows} custody images (${baseline.length} people): ${plainSeconds.toFixed(2)} s, ${Math.round(plainRows / plainSeconds).toLocaleString('en-GB')} rows/s`,
  );
  console.log(
    `deletion by the engine: ${destroyed} items destroyed for ${erased.length} acquitted people (rows, tombstone, notice, audit entry with sealed content, files) in ${engineSeconds.toFixed(2)} s: ${Math.round(destroyed / engineSeconds).toLocaleString('en-GB')} items/s, ${((engineSeconds * 1000) / destroyed).toFixed(2)} ms each; ${(engineSeconds / plainSeconds).toFixed(1)}x the plain delete`,
  );
}
await services.close();
