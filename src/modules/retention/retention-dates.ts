import type { RetentionSettings } from './retention.types.ts';

// Calendar arithmetic on YYYY-MM-DD dates, as the retention rules count periods (a month on from the 31st is the
// last day of the shorter month).

function shift(date: string, years: number, months = 0, days = 0): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCFullYear(d.getUTCFullYear() + years, d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  if (days) d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
export const addYears = (date: string, years: number) => shift(date, years);
export const addMonths = (date: string, months: number) => shift(date, 0, months);
export const addDays = (date: string, days: number) => shift(date, 0, 0, days);
export const latest = (dates: (string | null | undefined)[]) =>
  dates.filter((d): d is string => !!d).reduce<string | null>((a, b) => (a === null || b > a ? b : a), null);
export const earliest = (dates: (string | null | undefined)[]) =>
  dates.filter((d): d is string => !!d).reduce<string | null>((a, b) => (a === null || b < a ? b : a), null);

/** CrimPR 47.35(2)(a): the first day a District Judge extension may be applied for, before the 3-year expiry. */
export const extensionWindowOpens = (expiry: string, s: Pick<RetentionSettings, 'djExtensionWindowMonths'>) =>
  addMonths(expiry, -s.djExtensionWindowMonths);

/** Whole years between a date of birth and a date. */
export function ageOn(dateOfBirth: string, date: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
