/**
 * The API's errors and the one error handler that turns any error into `{error, message, problems?}`
 * with the right status — never a stack trace. Each class means one answer: the client fixes its
 * input (400), authenticates (401), is refused (403), asks for something missing (404), slows down
 * (429), or retries later (503).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { InvalidProductReferenceError, UnknownMarketplaceError } from '../config/index.js';
import type { ApiError } from '../contracts/index.js';

/** Base class: an error whose status and message may be shown to the client. */
export class ApiRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly problems?: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: nothing was changed (400). */
export class BadRequestError extends ApiRequestError {
  constructor(message: string, problems?: readonly string[], options?: ErrorOptions) {
    super(400, 'bad_request', message, problems, options);
  }
}

/** No or an unknown token (401). */
export class UnauthorizedError extends ApiRequestError {
  constructor(message = 'a valid API token is required (Authorization: Bearer <token>)') {
    super(401, 'unauthorized', message);
  }
}

/** Authenticated, but not allowed to read or change this (403). Nothing was read or changed. */
export class ForbiddenError extends ApiRequestError {
  constructor(message = 'this belongs to another user') {
    super(403, 'forbidden', message);
  }
}

/** The thing asked for does not exist (404). */
export class NotFoundError extends ApiRequestError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/** A conflicting state, e.g. an email already registered (409). */
export class ConflictError extends ApiRequestError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/** A part of Dromedary this route needs is not configured or not reachable (503): retry later. */
export class UnavailableError extends ApiRequestError {
  constructor(message: string, options?: ErrorOptions) {
    super(503, 'unavailable', message, undefined, options);
  }
}

/** Maps errors of other parts (by name, so the API imports no error classes it does not need) to API errors. */
export type ErrorMapper = (err: unknown) => ApiRequestError | undefined;

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** The JSON body for `err`, and its status. Unknown errors become a plain 500 without details. */
export function toApiError(err: unknown, mappers: readonly ErrorMapper[] = []): { status: number; body: ApiError } {
  if (err instanceof ApiRequestError) {
    return { status: err.statusCode, body: withProblems({ error: err.code, message: err.message }, err.problems) };
  }
  for (const map of mappers) {
    const mapped = map(err);
    if (mapped) return toApiError(mapped);
  }
  if (err instanceof InvalidProductReferenceError || err instanceof UnknownMarketplaceError) {
    return { status: 400, body: { error: 'bad_request', message: err.message } };
  }
  const fastifyError = err as Partial<FastifyError> | undefined;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const problems = err.validation.map((v) => `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || err.validationContext || 'input'}: ${v.message ?? 'invalid'}`);
    const where = err.validationContext ?? 'input';
    return { status: 400, body: { error: 'bad_request', message: `invalid ${where}: ${problems.join('; ')}`, problems } };
  }
  if (isResponseSerializationError(err)) return { status: 500, body: { error: 'internal', message: 'internal error' } };
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (body too large, broken JSON, wrong content type): their messages name no internals.
    return { status, body: { error: STATUS_CODES[status] ?? 'bad_request', message: clientMessage(fastifyError, status) } };
  }
  if (status === 503) return { status, body: { error: 'unavailable', message: 'temporarily unavailable, retry later' } };
  return { status: 500, body: { error: 'internal', message: 'internal error' } };
}

function clientMessage(err: Partial<FastifyError> | undefined, status: number): string {
  switch (err?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the JSON body is empty';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case undefined:
      break;
    default:
      break;
  }
  if (err instanceof SyntaxError || err?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'the body is not valid JSON';
  const message = typeof err?.message === 'string' ? err.message : '';
  // Keep Fastify's short messages (they describe the request), never anything multi-line.
  return message && !message.includes('\n') && message.length < 300 ? message : (STATUS_CODES[status] ?? 'bad request').replace(/_/g, ' ');
}

function withProblems(body: ApiError, problems: readonly string[] | undefined): ApiError {
  return problems && problems.length > 0 ? { ...body, problems: [...problems] } : body;
}

/** Installs the error and not-found handlers on `app`. 5xx errors are logged; the client sees no internals. */
export function installErrorHandlers(app: FastifyInstance, mappers: readonly ErrorMapper[]): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toApiError(err, mappers);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ status, error: body.error }, 'request refused');
    if (status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } satisfies ApiError);
  });
}
