import { type DestinationStream, type Logger, pino } from 'pino';

// SECURITY: the server log is read by operators, shipped to log stores and kept for longer than anyone plans. It
// names what happened (route, status, correlation id, error code), never the values of a query, a body or a record,
// which are personal data (Home Office logging pattern; issue 11 item 8). Two things would carry them by default:
// the request URL (its query string) and error messages (a failed query's SQL parameters, a database's
// "invalid input syntax for type date: "…"", a duplicate key's value). Both are cut here, for every log line.

const quoted = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|\((?:[^()]*)\)=\((?:[^()]*)\)/g;

/** An error message with every quoted value cut out; a failed query keeps its first words, not its SQL or params. */
export function redactMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  const failedQuery = /^Failed query:/.test(firstLine);
  return (failedQuery ? 'Failed query' : firstLine).replace(quoted, '‹redacted›').slice(0, 300);
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  statusCode?: unknown;
  stack?: string;
  cause?: unknown;
}

/** An error as the log shows it: its kind, code and redacted message, the code lines of its stack, its causes. */
export function serialiseError(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { message: redactMessage(String(error)) };
  const e = error as ErrorLike;
  const message = redactMessage(e.message ?? '');
  const frames = (e.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return {
    type: e.name ?? 'Error',
    message,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
    stack: [`${e.name ?? 'Error'}: ${message}`, ...frames].join('\n'),
    ...(e.cause !== undefined && depth < 3 ? { cause: serialiseError(e.cause, depth + 1) } : {}),
  };
}

interface RequestLike {
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
  id?: string;
  ip?: string;
}

/**
 * A request as the log shows it: the route it matched (`/api/v1/people/:personId`), never its path or query
 * string, which may carry a name or an identifier; a request no route matched is logged as `(unmatched)`.
 */
export function serialiseRequest(request: RequestLike): Record<string, unknown> {
  return {
    method: request.method,
    route: request.routeOptions?.url || '(unmatched)',
    ...(request.ip ? { remoteAddress: request.ip } : {}),
  };
}

/** The one logger of a LEDS process (Fastify's too), redacted as above and by header. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
      serializers: { err: serialiseError, error: serialiseError, req: serialiseRequest },
    },
    destination,
  );
}
