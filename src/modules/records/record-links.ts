// Following a pushed record's references (a source record id, a PNC ID, an arrest/summons number) to the people
// and arrests LEDS holds, only ever to a person the pusher may link to.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { findHeldRecord, RecordHeld } from './held-records.ts';
import { parseAsn, parsePncId } from './identifiers.ts';
import type { Links, LinkTarget, Provenance, SourceKey } from './record-intake.types.ts';
import { reject } from './record-rejection.ts';
import type { ArrestRecordIn, ChargeRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';
import { sourceKey } from './source-records.ts';

/**
 * A referenced record of this source system, of the kind expected, naming a person the pusher may still link to.
 * SECURITY: whatever became of the reference (held, linked by the owning force to a person hidden from the pusher,
 * refused, or its person hidden since), the record that refers to it is held the same way, so that the answer
 * says nothing about the person or the reviewer's decision.
 */
export async function referenced(
  db: Database,
  p: Provenance,
  links: Links,
  sourceRecordId: string,
  kind: string,
  field: string,
): Promise<SourceKey> {
  const key = await sourceKey(db, p.sourceSystem, sourceRecordId);
  if (!key || key.recordKind !== kind) {
    const held = key ? undefined : await findHeldRecord(db, p.sourceSystem, sourceRecordId);
    if (held && held.recordKind === kind)
      throw new RecordHeld('REFERENCE_HELD', held.personId, held.reviewingOrganisationId);
    return reject(field, `no ${kind} with source record id \`${sourceRecordId}\` from \`${p.sourceSystem}\``);
  }
  if (key.personId) await linkable(db, links, [key.personId]);
  return key;
}

/** The flags of the people that decide whether a pusher may link to them. */
export async function linkTargets(db: Database, personIds: string[]): Promise<LinkTarget[]> {
  if (personIds.length === 0) return [];
  return db
    .select({
      personId: t.people.personId,
      protectedIdentity: t.people.protectedIdentity,
      intelligenceOnly: sql<boolean>`${t.people.materialClass} = 'INTELLIGENCE'`,
      owningOrganisationId: t.people.owningOrganisationId,
    })
    .from(t.people)
    .where(inArray(t.people.personId, personIds));
}

/**
 * SECURITY: follows a reference (a PNC ID, an arrest/summons number) only to a person the pusher may link to.
 * A person it may not is treated as no person: the record is held for that person's force, and one that names
 * nobody is held for the pusher's own, so that the answer is the same either way.
 */
export async function linkable(db: Database, links: Links, personIds: string[]): Promise<string[]> {
  const targets = await linkTargets(db, personIds);
  const allowed: string[] = [];
  let hidden: LinkTarget | undefined;
  for (const target of targets) {
    if (await links.mayLink(target, db)) allowed.push(target.personId);
    else hidden ??= target;
  }
  if (allowed.length === 0) {
    if (hidden) throw new RecordHeld('PERSON_NOT_VISIBLE', hidden.personId, hidden.owningOrganisationId);
    throw new RecordHeld('NAMES_NO_PERSON', null, links.pusher);
  }
  return allowed;
}

export async function resolvePerson(
  db: Database,
  ref: ArrestRecordIn['person'],
  p: Provenance,
  links: Links,
  field = '/person',
): Promise<string> {
  if ('sourceRecordId' in ref) {
    const key = await referenced(db, p, links, ref.sourceRecordId, 'person', `${field}/sourceRecordId`);
    return key.personId as string;
  }
  const pnc = parsePncId(ref.pncId);
  if (!pnc.ok) return reject(`${field}/pncId`, pnc.reason);
  const rows = await db
    .select({ personId: t.personIdentifiers.personId })
    .from(t.personIdentifiers)
    .where(and(eq(t.personIdentifiers.identifierType, 'PNC_ID'), eq(t.personIdentifiers.value, pnc.value)));
  // Only the people the pusher may link to count, as for an arrest/summons number below.
  const named = await linkable(
    db,
    links,
    rows.map((r) => r.personId),
  );
  if (named.length > 1)
    return reject(
      `${field}/pncId`,
      `PNC ID \`${pnc.value}\` names more than one person; refer to the person by source record id`,
    );
  return named[0] as string;
}

export async function resolveArrest(
  db: Database,
  ref: ChargeRecordIn['arrest'],
  p: Provenance,
  links: Links,
  field = '/arrest',
): Promise<{ arrestId: string; personId: string }> {
  if ('sourceRecordId' in ref) {
    const key = await referenced(db, p, links, ref.sourceRecordId, 'arrest', `${field}/sourceRecordId`);
    return { arrestId: key.recordId, personId: key.personId as string };
  }
  const asn = parseAsn(ref.asn);
  if (!asn.ok) return reject(`${field}/asn`, asn.reason);
  const rows = await db
    .select({ arrestId: t.arrests.id, personId: t.arrests.personId })
    .from(t.arrests)
    .where(eq(t.arrests.asn, asn.value));
  // Only the arrests of people the pusher may link to count, so that neither "more than one" nor "none" tells
  // it about an arrest of someone hidden from it.
  const allowed = new Set(
    await linkable(
      db,
      links,
      rows.map((r) => r.personId),
    ),
  );
  const visible = rows.filter((r) => allowed.has(r.personId));
  if (visible.length > 1)
    return reject(
      `${field}/asn`,
      `arrest/summons number \`${asn.value}\` names more than one arrest; refer to it by source record id`,
    );
  return visible[0] as { arrestId: string; personId: string };
}

export function keepPerson(existing: SourceKey | undefined, personId: string, field: string) {
  if (existing && existing.personId !== personId)
    reject(field, 'a record cannot move to another person; withdraw it and send it again');
}
