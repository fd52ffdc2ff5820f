// The `date` and `date-time` formats of every schema LEDS checks (routes by Fastify's Ajv, pushed records by
// TypeBox's compiler): the stock ones accept year 0000, which PostgreSQL cannot store, so a pushed 0000-01-01 met
// the database as a 5xx instead of being refused as the field's 4xx.
import type { Ajv } from 'ajv';
import * as Format from 'typebox/format';
import { isCalendarDate, isTimestamp } from './clock.ts';

/** Makes TypeBox's compiled checks use LEDS's dates. Idempotent. */
export function useLedsDateFormats(): void {
  Format.Set('date', isCalendarDate);
  Format.Set('date-time', isTimestamp);
}

/** An Ajv plugin, after ajv-formats, that makes route schemas use LEDS's dates. */
export function ledsDateFormats(ajv: Ajv): Ajv {
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
  ajv.addFormat('date-time', { type: 'string', validate: isTimestamp });
  return ajv;
}
