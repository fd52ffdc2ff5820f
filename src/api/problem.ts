import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, errorCatalogue, type FieldProblem, isLedsError } from '../platform/errors.ts';

/** An RFC 9457 problem document, the body of every API error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  errors?: FieldProblem[];
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Fastify's schema errors as one problem per field, the field as a pointer from the request part (`/body/pncId`). */
function validationProblems(
  error: FastifyError & { validation?: AjvError[]; validationContext?: string },
): FieldProblem[] {
  const part = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    if (v.keyword === 'required')
      return { field: `/${part}${v.instancePath}/${v.params.missingProperty}`, message: 'is required' };
    if (v.keyword === 'additionalProperties') {
      return { field: `/${part}${v.instancePath}/${v.params.additionalProperty}`, message: 'is not a known field' };
    }
    return { field: `/${part}${v.instancePath}`, message: v.message ?? 'is not valid' };
  });
}

/** Maps any error to a catalogued code, so no client ever sees an unlisted code or an internal message. */
export function toProblem(error: unknown, correlationId: string): Problem {
  let code: ErrorCode = 'INTERNAL_ERROR';
  let detail: string = errorCatalogue.INTERNAL_ERROR.title.toLowerCase();
  let errors: FieldProblem[] | undefined;
  if (isLedsError(error)) {
    code = error.code;
    detail = error.message;
    errors = error.fieldProblems.length > 0 ? error.fieldProblems : undefined;
  } else {
    const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
    if (fastifyError.validation) {
      code = 'REQUEST_INVALID';
      errors = validationProblems(fastifyError);
      detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    } else if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      code = 'REQUEST_BODY_TOO_LARGE';
      detail = 'the request body is larger than the configured limit';
      errors = [{ field: '/body', message: 'is too large' }];
    } else if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      code = 'REQUEST_UNSUPPORTED_MEDIA_TYPE';
      detail = fastifyError.message;
    } else if (
      ['FST_ERR_CTP_EMPTY_JSON_BODY', 'FST_ERR_CTP_INVALID_JSON_BODY'].includes(fastifyError.code) ||
      (error instanceof SyntaxError && fastifyError.statusCode === 400)
    ) {
      code = 'REQUEST_MALFORMED_JSON';
      detail = 'the body is not valid JSON';
      errors = [{ field: '/body', message: 'is not valid JSON' }];
    } else if (fastifyError.statusCode === 404) {
      code = 'REQUEST_NOT_FOUND';
      detail = 'no such endpoint';
    } else if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      code = 'REQUEST_INVALID';
      detail = fastifyError.message;
    }
  }
  const { status, title } = errorCatalogue[code];
  // SECURITY: a 5xx says only what its code means. Its message was written for the log (a tree node's number, a
  // connection's error) and its cause may be a driver's words with a record's values in them: neither is the
  // caller's to read, and both go to the redacted log with the error.
  if (status >= 500) detail = title.toLowerCase();
  return {
    type: `urn:leds:problem:${code}`,
    title,
    status,
    code,
    detail,
    instance: `urn:leds:correlation:${correlationId}`,
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const problem = toProblem(error, request.id);
  if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'request failed');
  return reply.status(problem.status).type('application/problem+json').send(problem);
}
