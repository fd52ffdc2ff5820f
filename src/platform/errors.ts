/**
 * The one catalogue of error codes LEDS returns. Codes are stable: clients and force systems branch on them.
 * docs/errors.md lists the same codes; test/error-catalogue.test.ts keeps the two in step.
 */
export const errorCatalogue = {
  REQUEST_INVALID: { status: 400, title: 'The request is not valid' },
  REQUEST_MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  REQUEST_BODY_TOO_LARGE: { status: 413, title: 'The request body is larger than the configured limit' },
  REQUEST_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'The request body has a media type this endpoint does not accept',
  },
  REQUEST_NOT_FOUND: { status: 404, title: 'No such endpoint' },
  REQUEST_URI_TOO_LONG: { status: 414, title: 'A part of the address is longer than LEDS accepts' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are larger than LEDS accepts' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  REQUEST_CROSS_SITE: { status: 403, title: 'The form was sent from another site' },
  REQUEST_RATE_LIMITED: { status: 429, title: 'Too many attempts from your address' },
  ACCESS_UNAUTHENTICATED: { status: 401, title: 'Sign in or present an API key or bearer token' },
  ACCESS_DENIED: { status: 403, title: 'Your role and your organisation’s agreements do not allow this action' },
  ACCESS_PURPOSE_REQUIRED: { status: 400, title: 'Declare a purpose before reading a person' },
  ACCESS_PURPOSE_UNKNOWN: { status: 400, title: 'The declared purpose is not one LEDS knows' },
  ACCESS_PURPOSE_LIMITED: { status: 403, title: 'The declared purpose may not use this data' },
  ACCESS_INVALID_CREDENTIALS: { status: 401, title: 'The username or password is wrong' },
  ACCESS_CREDENTIAL_NOT_FOUND: { status: 404, title: 'No such API key or user' },
  ACCESS_CREDENTIAL_STATE: { status: 409, title: 'The API key or user is not in a state that allows this' },
  ACCESS_ROTATION_OVERLAP_INVALID: {
    status: 400,
    title: 'The overlap of a rotated API key must be whole hours, from 0 to the configured maximum',
  },
  RECORDS_NOT_FOUND: { status: 404, title: 'No such record' },
  RECORDS_INVALID_IDENTIFIER: { status: 400, title: 'An identifier fails its format or check character' },
  RECORDS_SEARCH_CRITERIA_REQUIRED: {
    status: 400,
    title: 'A search needs an identifier, or a surname with a forename or date of birth',
  },
  INGEST_BATCH_EMPTY: { status: 400, title: 'The batch has no records' },
  INGEST_BATCH_TOO_MANY_LINES: { status: 413, title: 'The batch has more lines than the configured limit' },
  INGEST_RECORD_REJECTED: { status: 422, title: 'The record was rejected' },
  INGEST_BATCH_NOT_FOUND: { status: 404, title: 'No such ingest batch' },
  INGEST_SOURCE_SYSTEM_TAKEN: { status: 409, title: 'The source system belongs to another organisation' },
  AUDIT_UNAVAILABLE: {
    status: 503,
    title: 'The audit entry could not be written, so nothing is returned',
  },
  AUDIT_LOG_INCOMPLETE: { status: 500, title: 'The audit log is missing a tree node it needs' },
  AUDIT_CASE_REQUIRED: { status: 403, title: 'Open an audit case with an audit purpose first' },
  AUDIT_DELETED_RECORD_NOT_FOUND: { status: 404, title: 'No deleted record has this id' },
  AUDIT_ENTRY_NOT_FOUND: { status: 404, title: 'No such audit entry' },
  AUDIT_TREE_SIZE_INVALID: { status: 400, title: 'The tree sizes do not fit the log' },
  RETENTION_ITEM_NOT_FOUND: { status: 404, title: 'No such retained item' },
  RETENTION_INSTRUMENT_INVALID: {
    status: 400,
    title: 'The extension, consent, determination or hold cannot be recorded',
  },
  RETENTION_INSTRUMENT_NOT_FOUND: { status: 404, title: 'No such retention instrument' },
  RETENTION_REASON_REQUIRED: { status: 400, title: 'A reason must be recorded' },
  RETENTION_NOTICE_NOT_FOUND: { status: 404, title: 'No such deletion notice for your organisation' },
  RETENTION_APPLICATION_NOT_FOUND: { status: 404, title: 'No such application for deletion' },
  RETENTION_APPLICATION_STATE: { status: 409, title: 'The application is not in a state that allows this' },
  RETENTION_SWEEP_RUNNING: { status: 409, title: 'A retention sweep is already running' },
  STORAGE_UNAVAILABLE: { status: 503, title: 'The database is not available' },
  STORAGE_DATA_FOLDER_LOCKED: { status: 503, title: 'Another process holds the embedded database folder' },
  INTERNAL_ERROR: { status: 500, title: 'Something went wrong inside LEDS' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** One problem with one field of the input, named by its JSON pointer (for example `/body/pncId`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An error whose code is in the catalogue; routes turn it into application/problem+json. */
export class LedsError extends Error {
  override name = 'LedsError';
  readonly status: number;
  /** `options.cause`: the lower error this one stands for (a driver's, a file system's), for the log only. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldProblems: FieldProblem[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = errorCatalogue[code].status;
  }
}

export function isLedsError(error: unknown): error is LedsError {
  return error instanceof LedsError;
}
