import { type SQL, sql } from 'drizzle-orm';
import type { AuditSettings } from '../../config/config.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import type { AuditLog } from './audit-log.ts';

// The log's queries behind the auditors' usage patterns (modules/oversight decides who sees them and audits it).
// Each is a query over the log between two instants.

/** The instants a pattern report covers: from `from` (inclusive) to `end` (exclusive). */
export interface UsageWindow {
  from: Date;
  end: Date;
}

export interface UnusualVolume {
  actorId: string;
  actorName: string;
  day: string;
  actions: number;
  usualPerDay: number;
}

export interface OwnNameOrAddressLookup {
  seq: number;
  actorName: string;
  recordedAt: string;
  match: 'SURNAME' | 'POSTCODE';
  value: string;
}

export interface OutOfHoursUse {
  actorId: string;
  actorName: string;
  actions: number;
  first: string;
  last: string;
}

export interface RepeatedDenials {
  actorId: string;
  actorName: string;
  day: string;
  denials: number;
}

/**
 * What the log needs to know of users and people to find look-ups of a user's own name or address: each user's
 * surname, and each person's address at a user's own postcode. Their owners (access, records) answer these.
 */
export interface OwnNamesAndAddresses {
  /** A user (as the log names actors) and their surname, lower case. */
  surnames: { actorId: string; surname: string }[];
  /** A person with an address at the user's home postcode, and that address's postcode, upper case. */
  addresses: { actorId: string; personId: string; postcode: string }[];
}

const usersBetween = (window: UsageWindow): SQL =>
  sql`actor_kind = 'user' and recorded_at >= ${window.from.toISOString()}::timestamptz and recorded_at < ${window.end.toISOString()}::timestamptz`;

/** Days on which a user read far more than their usual day (the median of their days). */
export async function unusualVolumes(
  db: Database,
  window: UsageWindow,
  settings: AuditSettings,
): Promise<UnusualVolume[]> {
  const rows = await queryRows<{ actor_id: string; actor_name: string; day: string; actions: number; usual: number }>(
    db,
    sql`
      with daily as (
        select actor_id, max(actor_name) as actor_name, (recorded_at at time zone ${settings.workingHours.timeZone})::date as day, count(*)::int as actions
        from audit_entries where ${usersBetween(window)} and kind in ('SEARCH_PERFORMED', 'PERSON_VIEWED', 'PERSON_SECTION_VIEWED', 'CUSTODY_IMAGE_VIEWED')
        group by actor_id, day
      ), usual as (
        select actor_id, percentile_cont(0.5) within group (order by actions) as usual from daily group by actor_id
      )
      select d.actor_id, d.actor_name, d.day::text as day, d.actions, round(u.usual)::int as usual
      from daily d join usual u using (actor_id)
      where d.actions >= ${settings.unusualVolumeFactor} * greatest(u.usual, 1) and d.actions >= 10
      order by d.actions desc limit 100`,
  );
  return rows.map((r) => ({
    actorId: r.actor_id,
    actorName: r.actor_name,
    day: r.day,
    actions: Number(r.actions),
    usualPerDay: Number(r.usual),
  }));
}

/**
 * A user's own surname among the names they searched, or their own postcode among the people they viewed. The
 * users' surnames and the addresses at their postcodes come in as a JSON record set (from the modules that own
 * them), so the join still runs in SQL over the whole log.
 */
export async function ownNameOrAddressLookups(
  db: Database,
  log: Pick<AuditLog, 'shownContents'>,
  window: UsageWindow,
  own: OwnNamesAndAddresses,
): Promise<OwnNameOrAddressLookup[]> {
  const users = usersBetween(window);
  // Search criteria are sealed in the vault with what the search showed (records' searchPeople), so they expire
  // with it: the searches of users with a surname on file are read, opened, and matched here.
  const searches = await queryRows<{ seq: string; actor_id: string; actor_name: string; recorded_at: string }>(
    db,
    sql`
      select e.seq::text as seq, e.actor_id, e.actor_name, e.recorded_at::text as recorded_at
      from audit_entries e
      join jsonb_to_recordset(${JSON.stringify(own.surnames)}::jsonb) as u("actorId" text, surname text) on u."actorId" = e.actor_id
      where ${users} and e.kind = 'SEARCH_PERFORMED'`,
  );
  const surnameOf = new Map(own.surnames.map((u) => [u.actorId, u.surname]));
  const opened = await log.shownContents(searches.map((r) => Number(r.seq)));
  const bySurname = searches.flatMap((r) => {
    const searched = searchedSurname(opened.get(Number(r.seq)));
    return searched && searched === surnameOf.get(r.actor_id)
      ? [
          {
            seq: r.seq,
            actor_name: r.actor_name,
            recorded_at: r.recorded_at,
            match: 'SURNAME' as const,
            value: searched,
          },
        ]
      : [];
  });
  const byAddress = await queryRows<{
    seq: string;
    actor_name: string;
    recorded_at: string;
    match: 'POSTCODE';
    value: string;
  }>(
    db,
    sql`
      select e.seq::text as seq, e.actor_name, e.recorded_at::text as recorded_at, 'POSTCODE' as match, a.postcode as value
      from audit_entries e
      join jsonb_to_recordset(${JSON.stringify(own.addresses)}::jsonb) as a("actorId" text, "personId" uuid, postcode text)
        on a."actorId" = e.actor_id and a."personId" = any (e.subject_ids)
      where ${users} and e.kind in ('PERSON_VIEWED', 'PERSON_SECTION_VIEWED')
      order by seq desc limit 100`,
  );
  return [...bySurname, ...byAddress]
    .sort((a, b) => Number(b.seq) - Number(a.seq))
    .slice(0, 100)
    .map((r) => ({
      seq: Number(r.seq),
      actorName: r.actor_name,
      recordedAt: new Date(r.recorded_at).toISOString(),
      match: r.match,
      value: r.value,
    }));
}

/** The surname a search asked for, from its sealed content; undefined once the vault has destroyed it. */
function searchedSurname(content: Buffer | undefined): string | undefined {
  if (!content) return undefined;
  try {
    const surname = (JSON.parse(content.toString('utf8')) as { criteria?: { surname?: unknown } }).criteria?.surname;
    return typeof surname === 'string' ? surname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Users' reads outside working hours (local time) or at weekends. */
export async function outOfHoursUse(
  db: Database,
  window: UsageWindow,
  settings: AuditSettings,
): Promise<OutOfHoursUse[]> {
  const { timeZone, from: openHour, to: closeHour } = settings.workingHours;
  const rows = await queryRows<{ actor_id: string; actor_name: string; actions: number; first: string; last: string }>(
    db,
    sql`
      select actor_id, max(actor_name) as actor_name, count(*)::int as actions, min(recorded_at)::text as first, max(recorded_at)::text as last
      from audit_entries
      where ${usersBetween(window)} and (extract(hour from recorded_at at time zone ${timeZone}) < ${openHour}
        or extract(hour from recorded_at at time zone ${timeZone}) >= ${closeHour}
        or extract(isodow from recorded_at at time zone ${timeZone}) > 5)
      group by actor_id order by actions desc limit 100`,
  );
  return rows.map((r) => ({
    actorId: r.actor_id,
    actorName: r.actor_name,
    actions: Number(r.actions),
    first: new Date(r.first).toISOString(),
    last: new Date(r.last).toISOString(),
  }));
}

/** Users or systems refused at least the threshold number of times in one day. */
export async function repeatedDenials(
  db: Database,
  window: UsageWindow,
  settings: AuditSettings,
): Promise<RepeatedDenials[]> {
  const rows = await queryRows<{ actor_id: string; actor_name: string; day: string; denials: number }>(
    db,
    sql`
      select actor_id, max(actor_name) as actor_name, (recorded_at at time zone ${settings.workingHours.timeZone})::date::text as day, count(*)::int as denials
      from audit_entries
      where actor_kind in ('user', 'system') and recorded_at >= ${window.from.toISOString()}::timestamptz
        and recorded_at < ${window.end.toISOString()}::timestamptz and outcome = 'DENIED'
      group by actor_id, day having count(*) >= ${settings.deniedAttemptsThreshold}
      order by denials desc limit 100`,
  );
  return rows.map((r) => ({ actorId: r.actor_id, actorName: r.actor_name, day: r.day, denials: Number(r.denials) }));
}
