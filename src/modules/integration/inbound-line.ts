// One NDJSON line of a push, parsed and validated against the record schemas before anything of it is stored.
import { Compile } from 'typebox/compile';
import { useLedsDateFormats } from '../../platform/date-formats.ts';
import type { FieldProblem } from '../../platform/errors.ts';
import { firstUnstorable } from '../../platform/storable-input.ts';
import { type InboundRecord, recordKinds, recordSchemas } from '../records/index.ts';

useLedsDateFormats();
const validators = Object.fromEntries(
  Object.entries(recordSchemas).map(([kind, schema]) => [kind, Compile(schema)]),
) as Record<string, ReturnType<typeof Compile>>;

/** Turns schema errors into one problem per field, with the field named by JSON pointer. */
function schemaProblems(record: Record<string, unknown>, kind: string): FieldProblem[] {
  const validator = validators[kind];
  if (!validator) return [{ field: '/kind', message: `must be one of ${recordKinds.join(', ')}` }];
  const problems = new Map<string, string>();
  const unions = new Set<string>();
  for (const error of validator.Errors(record)) {
    if (error.keyword === 'anyOf') unions.add(error.instancePath);
  }
  for (const error of validator.Errors(record)) {
    const insideUnion = [...unions].some(
      (path) => error.instancePath.startsWith(path) && error.schemaPath.includes('/anyOf/'),
    );
    if (error.keyword === 'anyOf') {
      problems.set(error.instancePath || '/', 'does not match any accepted form (see docs/ingest.md)');
    } else if (insideUnion) {
    } else if (error.keyword === 'required') {
      for (const name of (error.params as { requiredProperties: string[] }).requiredProperties) {
        problems.set(`${error.instancePath}/${name}`, 'is required');
      }
    } else if (error.keyword === 'additionalProperties') {
      for (const name of (error.params as { additionalProperties: string[] }).additionalProperties) {
        problems.set(`${error.instancePath}/${name}`, 'is not a known field');
      }
    } else if (error.keyword !== 'boolean') {
      problems.set(error.instancePath || '/', error.message);
    }
  }
  return [...problems].map(([field, message]) => ({ field, message }));
}

/** Parses and validates one NDJSON line; returns the record or the problems with it. */
export function parseInboundLine(
  line: string,
): { record: InboundRecord } | { problems: FieldProblem[]; kind?: string; sourceRecordId?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { problems: [{ field: '/', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problems: [{ field: '/', message: 'must be a JSON object' }] };
  }
  const record = value as Record<string, unknown>;
  const kind =
    typeof record.kind === 'string' && (recordKinds as readonly string[]).includes(record.kind)
      ? record.kind
      : undefined;
  // Echoed back in the line report only when it is one LEDS could have stored.
  const sourceRecordId =
    typeof record.sourceRecordId === 'string' && sourceRecordIdPattern.test(record.sourceRecordId)
      ? record.sourceRecordId
      : undefined;
  // SECURITY: text PostgreSQL cannot store, and nesting that would overflow the validator, reject this line only.
  const unstorable = firstUnstorable(record);
  if (unstorable) return { problems: [unstorable], kind, sourceRecordId };
  if (!kind) {
    return { problems: [{ field: '/kind', message: `must be one of ${recordKinds.join(', ')}` }], sourceRecordId };
  }
  const problems = schemaProblems(record, kind);
  return problems.length > 0 ? { problems, kind, sourceRecordId } : { record: record as InboundRecord };
}

/** A source system's name: what a pusher may call its system. */
export const sourceSystemPattern = /^[A-Z0-9][A-Z0-9_-]{1,39}$/;
const sourceRecordIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
