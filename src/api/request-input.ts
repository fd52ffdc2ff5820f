import type { FastifyError, FastifyRequest } from 'fastify';
import { type FieldProblem, LedsError } from '../platform/errors.ts';
import { firstUnstorable } from '../platform/storable-input.ts';

/** The JSON API and health checks answer problem+json; everything else is a page. */
export const isApiRequest = (url: string) => url.startsWith('/api/') || url.startsWith('/health');

/** Whether a page route's schema lets this field come more than once. */
export function allowsRepeatedField(schema: unknown, name: string): boolean {
  // A form's schema may be `anyOf: [fields, null]`, for a post with no body.
  const union = (schema as { anyOf?: unknown[] } | undefined)?.anyOf;
  if (union) return union.some((part) => allowsRepeatedField(part, name));
  const object = schema as {
    properties?: Record<string, { anyOf?: { type?: string }[] }>;
    patternProperties?: Record<string, unknown>;
  };
  const property = object?.properties?.[name];
  if (property) return property.anyOf?.some((s) => s.type === 'array') ?? false;
  return Object.keys(object?.patternProperties ?? {}).some((pattern) => new RegExp(pattern).test(name));
}

const describe = (value: unknown) => (Array.isArray(value) ? 'is given more than once' : 'must be text');

/**
 * A form or a page's query holds text only: one value per field, each a string. A repeated field (`?a=1&a=2`), a
 * JSON body of arrays or numbers, or a body that is not a form at all is refused here, as that field's 400, so
 * that no page handler ever meets a value it does not expect.
 */
function firstNonText(part: 'query' | 'body', value: unknown, schema: unknown): FieldProblem | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return { field: `/${part}`, message: 'must be a form' };
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    if (typeof field === 'string') continue;
    const listOfText = Array.isArray(field) && field.every((v) => typeof v === 'string');
    if (listOfText && allowsRepeatedField(schema, name)) continue;
    return { field: `/${part}/${name}`, message: describe(field) };
  }
  return undefined;
}

/**
 * SECURITY: validates every request at the edge, before any schema, handler or query sees it (issue 11 item 8):
 * no text PostgreSQL cannot store (NUL, lone surrogates) in a query, path parameter or body, no JSON nested deeper
 * than `maxNesting` (a deep body would overflow the stack of what later walks it), and, for pages, text fields
 * only. Each is refused as REQUEST_INVALID naming the field; nothing is read or written.
 */
export function refuseUnstorableInput(maxNesting: number) {
  return async (request: FastifyRequest): Promise<void> => {
    const parts = [
      ['query', request.query],
      ['params', request.params],
      ['body', request.body],
    ] as const;
    for (const [part, value] of parts) {
      // An NDJSON batch arrives as a stream and is checked line by line by ingest.
      if (value !== null && typeof value === 'object' && typeof (value as { pipe?: unknown }).pipe === 'function')
        continue;
      const problem = firstUnstorable(value, `/${part}`, maxNesting);
      if (problem) throw new LedsError('REQUEST_INVALID', `${problem.field} ${problem.message}`, [problem]);
    }
    if (isApiRequest(request.url)) return;
    const schema = request.routeOptions.schema as { querystring?: unknown; body?: unknown } | undefined;
    for (const [part, value, partSchema] of [
      ['query', request.query, schema?.querystring],
      ['body', request.body, schema?.body],
    ] as const) {
      const problem = firstNonText(part, value, partSchema);
      if (problem) throw new LedsError('REQUEST_INVALID', `${problem.field} ${problem.message}`, [problem]);
    }
  };
}

/**
 * Errors Fastify raises before a route is found, mapped to the catalogue (a broken `%` escape, a path parameter
 * longer than the router takes).
 */
export function frameworkProblem(error: FastifyError): LedsError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new LedsError('REQUEST_URI_TOO_LONG', 'a part of the address is longer than LEDS accepts', [
      { field: '/params', message: 'is too long' },
    ]);
  return new LedsError('REQUEST_INVALID', 'the address is not valid (a broken % escape)', [
    { field: '/url', message: 'is not a valid address' },
  ]);
}
