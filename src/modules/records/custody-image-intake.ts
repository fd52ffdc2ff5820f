// A custody image: its bytes checked and stored by content hash, its row tied to the custody record it was taken in.
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { ageOn } from '../../platform/clock.ts';
import type { Database } from '../../storage/database.ts';
import { type CustodyImageStore, sniffImageType } from './custody-image-store.ts';
import { upsertRow } from './person-owned-rows.ts';
import type { IntakeDeps, Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { keepPerson, referenced } from './record-links.ts';
import { reject } from './record-rejection.ts';
import type { CustodyImageRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

export async function writeCustodyImage(
  db: Database,
  r: CustodyImageRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
  { images, limits }: Pick<IntakeDeps, 'images' | 'limits'>,
): Promise<Written> {
  const key = await referenced(
    db,
    p,
    links,
    r.custodyRecordSourceRecordId,
    'custody-record',
    '/custodyRecordSourceRecordId',
  );
  const [custody] = await db
    .select({ arrestId: t.custodyRecords.arrestId, personId: t.custodyRecords.personId })
    .from(t.custodyRecords)
    .where(eq(t.custodyRecords.id, key.recordId));
  if (!custody) return reject('/custodyRecordSourceRecordId', 'the custody record no longer exists');
  keepPerson(existing, custody.personId, '/custodyRecordSourceRecordId');
  const bytes = Buffer.from(r.contentBase64, 'base64');
  if (bytes.length > limits.custodyImageMaxBytes) {
    reject(
      '/contentBase64',
      `the image is ${bytes.length} bytes; the limit is ${limits.custodyImageMaxBytes} (LEDS_CUSTODY_IMAGE_MAX_BYTES)`,
    );
  }
  const sniffed = sniffImageType(bytes);
  if (sniffed !== r.mediaType)
    reject('/mediaType', `the bytes are ${sniffed ?? 'not a PNG or JPEG image'}, not \`${r.mediaType}\``);
  const [dob] = await db
    .select({ date: sql<string>`to_char(min(${t.personDatesOfBirth.dateOfBirth}), 'YYYY-MM-DD')` })
    .from(t.personDatesOfBirth)
    .where(eq(t.personDatesOfBirth.personId, custody.personId));
  const id = existing?.recordId ?? randomUUID();
  const [previous] = await db
    .select({ hash: t.custodyImages.contentSha256 })
    .from(t.custodyImages)
    .where(eq(t.custodyImages.id, id));
  const hash = await images.put(bytes);
  await upsertRow(db, t.custodyImages, t.custodyImages.id, {
    id,
    personId: custody.personId,
    arrestId: custody.arrestId,
    custodyRecordId: key.recordId,
    takenAt: new Date(r.takenAt),
    subjectAgeAtCapture: dob?.date ? ageOn(dob.date, new Date(r.takenAt)) : null,
    mediaType: r.mediaType,
    byteSize: bytes.length,
    contentSha256: hash,
    ...p,
  });
  return { recordId: id, personId: custody.personId, touchedImages: previous ? [hash, previous.hash] : [hash] };
}

/** Removes stored images that no custody image row refers to any more (after a failed or replacing write). */
export async function removeUnreferencedImages(
  db: Database,
  images: CustodyImageStore,
  hashes: string[],
): Promise<void> {
  if (hashes.length === 0) return;
  const referenced = await db
    .selectDistinct({ hash: t.custodyImages.contentSha256 })
    .from(t.custodyImages)
    .where(inArray(t.custodyImages.contentSha256, hashes));
  const keep = new Set(referenced.map((r) => r.hash));
  for (const hash of new Set(hashes)) if (!keep.has(hash)) await images.remove(hash);
}
