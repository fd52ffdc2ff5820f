// The `date` and `date-time` formats of every schema LEDS checks (routes by Fastify's Ajv, pushed records by
// TypeBox's compiler): the stock ones accept year 0000, which PostgreSQL cannot store, so a pushed 0000-01-01 met
// the database as a 5xx instead of being refused as the field's 4xx.
import * as Format from 'typebox/format';
import { isCalendarDate, isTimestamp } from './clock.ts';

/** Makes TypeBox's compiled checks use LEDS's dates. Idempotent. */
export function useLedsDateFormats(): void {
  Format.Set('date', isCalendarDate);
  Format.Set('date-time', isTimestamp);
}

/** What LEDS asks of an Ajv instance (Fastify's own, which LEDS does not depend on directly). */
interface FormatRegistry {
  addFormat(name: string, format: { type: 'string'; validate: (value: string) => boolean }): unknown;
}

/** Run on Fastify's Ajv once ajv-formats is in: makes route schemas use LEDS's dates. */
export function ledsDateFormats(ajv: FormatRegistry): void {
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
  ajv.addFormat('date-time', { type: 'string', validate: isTimestamp });
}
