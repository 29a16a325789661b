/**
 * One error class for the hub's own API: a stable machine code, an HTTP status and a message a
 * person can act on. Mapped to `{error, message, ...details}` by the global filter.
 */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export interface FieldError {
  path: string;
  message: string;
}

export class ValidationFailed extends HubError {
  constructor(readonly fields: FieldError[]) {
    super(400, 'validation_failed', fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; '), { fields });
  }
}
