// A person record: the nominal, their names, dates of birth, addresses and identifiers. A PNC ID or CRO number
// already held names the nominal the record is about (docs/person-entity.md).
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.ts';
import type { FieldProblem } from '../../platform/errors.ts';
import type { Database } from '../../storage/database.ts';
import { type IdentifierType, nameKey, parseIdentifier } from './identifiers.ts';
import { notePossibleDuplicate } from './possible-duplicates.ts';
import type { Links, LinkTarget, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { linkTargets } from './record-links.ts';
import { RecordRejected } from './record-rejection.ts';
import type { PersonRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

/** An identifier of the record, in LEDS's own form, with its place in the record's list. */
type ParsedIdentifier = { type: IdentifierType; value: string; index: number };
/** An identifier held by a person the pusher may not link to, and that person. */
type HiddenHolder = { identifier: ParsedIdentifier; target: LinkTarget };

export async function writePerson(
  db: Database,
  r: PersonRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
  clock: Clock,
): Promise<Written> {
  const identifiers = checkPersonRecord(r, clock);
  await replaceSourceDetails(db, existing, p);
  const { holders, hidden } = await identifierHolders(db, identifiers, existing, links);
  const personId = choosePerson(identifiers, holders, existing);
  await writePersonRow(db, r, personId, p);
  await writePersonDetails(db, r, personId, identifiers, p);
  // SECURITY: an identifier held by a person the pusher may not link to is neither merged into nor refused, for
  // either would tell the pusher about that person: the record makes (or stays) a nominal of its own, and the
  // force that owns the other person is told of a possible duplicate (docs/access.md).
  for (const { identifier, target } of hidden)
    await notePossibleDuplicate(db, {
      personId,
      otherPersonId: target.personId,
      reviewingOrganisationId: target.owningOrganisationId,
      pushedByOrganisationId: p.owningOrganisationId,
      sourceSystem: p.sourceSystem,
      sourceRecordId: p.sourceRecordId,
      identifierType: identifier.type,
      value: identifier.value,
      foundAt: clock.now(),
    });
  return { recordId: personId, personId };
}

/** The record's own problems (identifiers, dates of birth, its primary name), all at once; its parsed identifiers. */
function checkPersonRecord(r: PersonRecordIn, clock: Clock): ParsedIdentifier[] {
  const problems: FieldProblem[] = [];
  const identifiers: ParsedIdentifier[] = [];
  (r.identifiers ?? []).forEach((identifier, index) => {
    const parsed = parseIdentifier(identifier.type, identifier.value);
    if (parsed.ok) identifiers.push({ type: identifier.type, value: parsed.value, index });
    else problems.push({ field: `/identifiers/${index}/value`, message: `\`${identifier.value}\` ${parsed.reason}` });
  });
  const today = clock.now().toISOString().slice(0, 10);
  r.datesOfBirth.forEach((d, index) => {
    if (d.date > today)
      problems.push({ field: `/datesOfBirth/${index}/date`, message: `\`${d.date}\` is in the future` });
  });
  if (r.names.filter((n) => n.nameType === 'PRIMARY').length !== 1) {
    problems.push({ field: '/names', message: 'must hold exactly one PRIMARY name' });
  }
  if (problems.length > 0) throw new RecordRejected(problems);
  return identifiers;
}

/**
 * Names, dates of birth, addresses and identifiers from this source are replaced as a whole; the savepoint
 * around each record restores them if the record is then rejected.
 */
async function replaceSourceDetails(db: Database, existing: SourceKey | undefined, p: Provenance): Promise<void> {
  if (!existing?.personId) return;
  for (const table of [t.personNames, t.personDatesOfBirth, t.personAddresses, t.personIdentifiers]) {
    await db
      .delete(table)
      .where(
        and(
          eq(table.personId, existing.personId),
          eq(table.sourceSystem, p.sourceSystem),
          eq(table.sourceRecordId, p.sourceRecordId),
        ),
      );
  }
}

/** Who already holds each identifier: the people the pusher may link to, and the others. */
async function identifierHolders(
  db: Database,
  identifiers: ParsedIdentifier[],
  existing: SourceKey | undefined,
  links: Links,
): Promise<{ holders: Map<number, string[]>; hidden: HiddenHolder[] }> {
  const holders = new Map<number, string[]>();
  const hidden: HiddenHolder[] = [];
  const mayLink = new Map<string, LinkTarget | true>();
  for (const identifier of identifiers) {
    const rows = await db
      .select({ personId: t.personIdentifiers.personId })
      .from(t.personIdentifiers)
      .where(
        and(eq(t.personIdentifiers.identifierType, identifier.type), eq(t.personIdentifiers.value, identifier.value)),
      );
    const others = rows.map((r) => r.personId).filter((id) => id !== existing?.personId && !mayLink.has(id));
    for (const target of await linkTargets(db, others))
      mayLink.set(target.personId, (await links.mayLink(target, db)) ? true : target);
    const visible: string[] = [];
    for (const { personId } of rows) {
      const decision = personId === existing?.personId ? true : mayLink.get(personId);
      if (decision === true) visible.push(personId);
      else if (decision) hidden.push({ identifier, target: decision });
    }
    if (visible.length > 0) holders.set(identifier.index, visible);
  }
  return { holders, hidden };
}

/**
 * The nominal this record is about: the one it made before, or the one a PNC ID or CRO number already held names
 * (docs/person-entity.md), or a new one. An identifier held by another person the pusher may see rejects it.
 */
function choosePerson(
  identifiers: ParsedIdentifier[],
  holders: Map<number, string[]>,
  existing: SourceKey | undefined,
): string {
  const problems: FieldProblem[] = [];
  let personId = existing?.personId ?? undefined;
  if (!personId) {
    const strong = identifiers.find((i) => (i.type === 'PNC_ID' || i.type === 'CRO_NUMBER') && holders.has(i.index));
    const named = strong && (holders.get(strong.index) as string[]);
    if (strong && named && named.length > 1)
      problems.push({
        field: `/identifiers/${strong.index}/value`,
        message: `\`${strong.value}\` identifies more than one person; ask the PNC bureau which one this record is about`,
      });
    else if (named) personId = named[0];
  }
  for (const identifier of identifiers) {
    if ((holders.get(identifier.index) ?? []).some((holder) => holder !== personId)) {
      problems.push({
        field: `/identifiers/${identifier.index}/value`,
        message: `\`${identifier.value}\` already identifies another person`,
      });
    }
  }
  if (problems.length > 0) throw new RecordRejected(problems);
  return personId ?? randomUUID();
}

/** The person row: made by the first record about them, and kept up to date only by that same record. */
async function writePersonRow(db: Database, r: PersonRecordIn, personId: string, p: Provenance): Promise<void> {
  const description = r.description ?? {};
  const personRow = {
    sex: r.sex,
    nationality: r.nationality ?? null,
    placeOfBirth: r.placeOfBirth ?? null,
    protectedIdentity: r.protectedIdentity ?? false,
    heightCm: description.heightCm ?? null,
    build: description.build ?? null,
    eyeColour: description.eyeColour ?? null,
    hairColour: description.hairColour ?? null,
    distinguishingMarks: description.distinguishingMarks ?? null,
  };
  const [current] = await db
    .select({ sourceSystem: t.people.sourceSystem, sourceRecordId: t.people.sourceRecordId })
    .from(t.people)
    .where(eq(t.people.personId, personId));
  if (!current) {
    await db.insert(t.people).values({ personId, ...personRow, ...p });
  } else if (current.sourceSystem === p.sourceSystem && current.sourceRecordId === p.sourceRecordId) {
    await db
      .update(t.people)
      .set({ ...personRow, ...p })
      .where(eq(t.people.personId, personId));
  }
}

/** The names, dates of birth, addresses and identifiers this record gives the person, under its provenance. */
async function writePersonDetails(
  db: Database,
  r: PersonRecordIn,
  personId: string,
  identifiers: ParsedIdentifier[],
  p: Provenance,
): Promise<void> {
  await db.insert(t.personNames).values(
    r.names.map((n) => ({
      id: randomUUID(),
      personId,
      nameType: n.nameType,
      forenames: n.forenames,
      surname: n.surname,
      surnameKey: nameKey(n.surname),
      forenameKey: nameKey(n.forenames),
      ...p,
    })),
  );
  if (r.datesOfBirth.length > 0) {
    await db.insert(t.personDatesOfBirth).values(
      r.datesOfBirth.map((d) => ({
        id: randomUUID(),
        personId,
        dateOfBirth: d.date,
        estimated: d.estimated ?? false,
        ...p,
      })),
    );
  }
  if (r.addresses?.length) {
    await db.insert(t.personAddresses).values(
      r.addresses.map((a) => ({
        id: randomUUID(),
        personId,
        addressType: a.addressType,
        lines: a.lines,
        town: a.town ?? null,
        postcode: a.postcode?.toUpperCase() ?? null,
        validFrom: a.validFrom ?? null,
        validTo: a.validTo ?? null,
        ...p,
      })),
    );
  }
  if (identifiers.length > 0) {
    // A person holds an identifier once: one already held (from another source) is not added again.
    await db
      .insert(t.personIdentifiers)
      .values(identifiers.map((i) => ({ id: randomUUID(), personId, identifierType: i.type, value: i.value, ...p })))
      .onConflictDoNothing();
  }
}
