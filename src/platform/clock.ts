/** Time as LEDS sees it; injected so tests and retention plans can run at any date. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved; for tests. */
export function fixedClock(at: Date | string): Clock & { set(to: Date | string): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set: (to) => {
      current = new Date(to);
    },
  };
}

/**
 * Dates before this year are refused at LEDS's edges: no record it holds is older, and PostgreSQL has no year 0
 * (it cannot store 0000-01-01), so a year below it is a mistake to name, not a 5xx to meet later.
 */
export const earliestYear = 1000;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one), from the earliest year: the one form dates take. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number(value.slice(0, 4)) < earliestYear) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** An RFC 3339 date and time (with its offset) of a real day, from the earliest year. */
export function isTimestamp(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match || !isCalendarDate(match[1] as string)) return false;
  const [hour, minute, second] = [match[2], match[3], match[4]].map(Number) as [number, number, number];
  return hour <= 23 && minute <= 59 && second <= 60 && !Number.isNaN(new Date(value).getTime());
}

/** A person's age in whole years on a day, from their date of birth (YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, at: Date): number {
  const birth = new Date(`${dateOfBirth}T00:00:00Z`);
  let age = at.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    at.getUTCMonth() < birth.getUTCMonth() ||
    (at.getUTCMonth() === birth.getUTCMonth() && at.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}
