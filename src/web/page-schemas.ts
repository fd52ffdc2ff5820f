import { type TSchema, Type } from 'typebox';

/** The longest value a page field takes: far more than any form asks for, far less than the body limit. */
const fieldMaxLength = 10_000;

interface Fields {
  /** Fields of one value each. */
  text?: readonly string[];
  /** Fields that may come more than once (a group of checkboxes). */
  lists?: readonly string[];
  /** Fields named after what the page lists (`purposes-NOMINAL_IDENTITY`), by pattern; each may come more than once. */
  listPatterns?: readonly string[];
  /** Fields that must match a pattern when given (a whole number that becomes a database integer). */
  patterns?: Readonly<Record<string, string>>;
}

const text = () => Type.Optional(Type.String({ maxLength: fieldMaxLength }));
const list = () => Type.Optional(Type.Union([Type.String({ maxLength: fieldMaxLength }), Type.Array(Type.String())]));

/**
 * The schema of a page's form or query string, for validation at the edge and for the fuzz test: every field is
 * optional (the page says what is missing in its own words), text unless it is a list, and other fields are let
 * through to be ignored, since a browser sends its buttons too. `refuseUnstorableInput` refuses a repeated field
 * that the schema does not name as a list.
 */
export function pageFields(fields: Fields): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const name of fields.text ?? []) properties[name] = text();
  for (const name of fields.lists ?? []) properties[name] = list();
  for (const [name, pattern] of Object.entries(fields.patterns ?? {}))
    properties[name] = Type.Optional(Type.String({ pattern }));
  const patternProperties = Object.fromEntries((fields.listPatterns ?? []).map((p) => [p, list()]));
  return Type.Object(properties, {
    additionalProperties: true,
    ...(Object.keys(patternProperties).length > 0 ? { patternProperties } : {}),
  });
}

/** A page route's schema: hidden from the OpenAPI document (pages answer HTML, not JSON). */
export function pageSchema(parts: { query?: Fields; body?: Fields; params?: Readonly<Record<string, string>> }) {
  return {
    hide: true,
    ...(parts.query ? { querystring: pageFields(parts.query) } : {}),
    // A form post may come with no body at all (a button alone): null is let through, and means no fields.
    ...(parts.body ? { body: Type.Union([pageFields(parts.body), Type.Null()]) } : {}),
    ...(parts.params
      ? {
          params: Type.Object(
            Object.fromEntries(Object.entries(parts.params).map(([name, pattern]) => [name, Type.String({ pattern })])),
          ),
        }
      : {}),
  };
}

/** A whole number that becomes a database integer: at most 15 digits, so never past 2^53 nor bigint's range. */
export const wholeNumber = '^[0-9]{1,15}$';
