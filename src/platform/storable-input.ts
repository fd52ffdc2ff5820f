import type { FieldProblem } from './errors.ts';

/** How deep a JSON value may nest before it is refused: far more than any LEDS record, far less than the stack. */
export const defaultMaxNesting = 32;

// A NUL, or half of a surrogate pair with no other half: PostgreSQL cannot store the first in text ("invalid byte
// sequence for encoding UTF8: 0x00"), and the second is not text at all (it has no UTF-8 form).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point of this pattern.
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string holds a character LEDS cannot store as text. */
export const hasUnstorableText = (text: string) => unstorable.test(text);

const unstorableEverywhere = new RegExp(unstorable.source, 'g');

/** The text with every character that cannot be stored replaced by U+FFFD, for echoing a bad name back safely. */
export const storableText = (text: string) => text.replace(unstorableEverywhere, '\uFFFD');

const pointerPart = (key: string) => storableText(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The first problem that stops a JSON value (a request body, a query, an ingest line) from being stored as it is:
 * text PostgreSQL cannot hold (in a value or a key), or nesting deeper than `maxNesting`. Named by JSON pointer
 * under `base` (for example `/body/names/0/surname`). Iterative, so no input can overflow the stack here.
 */
export function firstUnstorable(value: unknown, base = '', maxNesting = defaultMaxNesting): FieldProblem | undefined {
  const pending: { value: unknown; pointer: string; depth: number }[] = [{ value, pointer: base, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown; pointer: string; depth: number };
    if (typeof next.value === 'string') {
      if (hasUnstorableText(next.value))
        return {
          field: next.pointer || '/',
          message: 'contains a character that cannot be stored (NUL or a lone surrogate)',
        };
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= maxNesting)
      return { field: next.pointer || '/', message: `is nested more than ${maxNesting} levels deep` };
    const entries = Array.isArray(next.value)
      ? next.value.map((v, i) => [String(i), v] as const)
      : Object.entries(next.value as Record<string, unknown>);
    for (const [key, child] of entries) {
      const pointer = `${next.pointer}/${pointerPart(key)}`;
      if (hasUnstorableText(key))
        return {
          field: pointer,
          message: 'has a name with a character that cannot be stored (NUL or a lone surrogate)',
        };
      pending.push({ value: child, pointer, depth: next.depth + 1 });
    }
  }
  return undefined;
}
