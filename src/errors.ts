/** An error with an HTTP status and a stable code; the error middleware renders it as a page or JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class NotFound extends HttpError {
  constructor(what = 'page') {
    super(404, 'not_found', `${what} not found`);
  }
}

export class Unauthorized extends HttpError {
  constructor(message = 'authentication required') {
    super(401, 'unauthorized', message);
  }
}

export class Forbidden extends HttpError {
  constructor(message = 'you do not have permission to do this') {
    super(403, 'forbidden', message);
  }
}

export class Conflict extends HttpError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}

/** A value that must be unique is taken: a 409 that names the field, so that forms mark it. */
export class FieldConflict extends Conflict {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, { fields: { [field]: message } });
  }
}

/** Field-level problems: `fields` maps a field name to its message. */
export class ValidationError extends HttpError {
  constructor(
    readonly fields: Record<string, string>,
    message = 'invalid input: ' +
      Object.entries(fields)
        .map(([f, m]) => `${f}: ${m}`)
        .join('; '),
  ) {
    super(400, 'validation_error', message, { fields });
  }
}

export class TooManyRequests extends HttpError {
  constructor(readonly retryAfter: number) {
    super(429, 'rate_limited', `too many attempts; try again in ${retryAfter} s`, { retryAfter });
  }
}
