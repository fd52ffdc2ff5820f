import type { AuditSettings } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../storage/database.ts';
import { userSurnamesAndHomePostcodes } from '../access/index.ts';
import {
  type AuditLog,
  type OutOfHoursUse,
  type OwnNameOrAddressLookup,
  type OwnNamesAndAddresses,
  outOfHoursUse,
  ownNameOrAddressLookups,
  type RepeatedDenials,
  repeatedDenials,
  searchDate,
  type UnusualVolume,
  type UsageWindow,
  unusualVolumes,
} from '../audit/index.ts';
import { addressesAtPostcodes } from '../records/index.ts';

const day = 86_400_000;

export interface AuditPatterns {
  from: string;
  to: string;
  unusualVolumes: UnusualVolume[];
  ownNameOrAddress: OwnNameOrAddressLookup[];
  outOfHours: OutOfHoursUse[];
  repeatedDenials: RepeatedDenials[];
}

/**
 * Reports that point auditors at use worth a look, between two dates (by default the 30 days to today). The
 * caller has checked the audit case and audits the viewing.
 */
export async function usagePatterns(
  deps: { db: Database; log: AuditLog; clock: Clock; settings: AuditSettings },
  range: { from?: string; to?: string },
): Promise<AuditPatterns> {
  const { db, clock, settings } = deps;
  const to = range.to ? searchDate(range.to, 'to') : new Date(clock.now().toISOString().slice(0, 10));
  const from = range.from ? searchDate(range.from, 'from') : new Date(to.getTime() - 30 * day);
  const window: UsageWindow = { from, end: new Date(to.getTime() + day) };
  const unusual = await unusualVolumes(db, window, settings);
  const own = await ownNameOrAddressLookups(db, deps.log, window, await ownNamesAndAddresses(db));
  const outOfHours = await outOfHoursUse(db, window, settings);
  const denials = await repeatedDenials(db, window, settings);
  return {
    from: from.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    unusualVolumes: unusual,
    ownNameOrAddress: own,
    outOfHours,
    repeatedDenials: denials,
  };
}

/**
 * Users' surnames, and the addresses of people at users' home postcodes, from the modules that own them: the log
 * joins them with what each user searched for and viewed.
 */
async function ownNamesAndAddresses(db: Database): Promise<OwnNamesAndAddresses> {
  const users = await userSurnamesAndHomePostcodes(db);
  const keys = [...new Set(users.flatMap((u) => (u.homePostcodeKey ? [u.homePostcodeKey] : [])))];
  // Grouped by postcode so the join costs users plus addresses, not users times addresses.
  // (Map.groupBy would say it in one line, but Node 20 has none.)
  const addressesByPostcode = new Map<string, Awaited<ReturnType<typeof addressesAtPostcodes>>>();
  for (const address of await addressesAtPostcodes(db, keys)) {
    addressesByPostcode.set(address.postcodeKey, [...(addressesByPostcode.get(address.postcodeKey) ?? []), address]);
  }
  return {
    surnames: users.flatMap((u) => (u.surname === null ? [] : [{ actorId: u.actorId, surname: u.surname }])),
    addresses: users.flatMap((u) =>
      (u.homePostcodeKey === null ? [] : (addressesByPostcode.get(u.homePostcodeKey) ?? [])).map((a) => ({
        actorId: u.actorId,
        personId: a.personId,
        postcode: a.postcode,
      })),
    ),
  };
}
