/**
 * The catalogue of SCIM error types (RFC 7644 §3.12) plus the few non-SCIM codes this server
 * answers with. Each entry fixes the HTTP status so that no call site can pair them wrongly; the
 * README's error reference lists every entry (a test checks it).
 */
export const scimTypes = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 400,
  invalidCursor: 400,
  expiredCursor: 400,
} as const;

export type ScimType = keyof typeof scimTypes;

/** Errors that RFC 7644 defines by status alone (no scimType). */
export const plainStatuses = {
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  conflict: 409,
  preconditionFailed: 412,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  tooManyRequests: 429,
  internal: 500,
  notImplemented: 501,
  unavailable: 503,
  insufficientStorage: 507,
} as const;

export type PlainErrorCode = keyof typeof plainStatuses;
export type ScimErrorCode = ScimType | PlainErrorCode;

export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export interface ErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: string;
  detail: string;
}

/**
 * The one error type of the server. Thrown anywhere, caught only by the HTTP pipeline, which
 * renders it as an RFC 7644 §3.12 Error response. `code` is stable and documented in the README.
 */
export class ScimError extends Error {
  readonly code: ScimErrorCode;
  readonly status: number;
  /** Set for the codes that are RFC 7644 scimType values. */
  readonly scimType: ScimType | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ScimErrorCode, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = "ScimError";
    this.code = code;
    this.headers = headers;
    if (code in scimTypes) {
      this.scimType = code as ScimType;
      this.status = scimTypes[code as ScimType];
    } else {
      this.scimType = undefined;
      this.status = plainStatuses[code as PlainErrorCode];
    }
  }

  get detail(): string {
    return this.message;
  }

  /** RFC 7644 §3.12: `status` is a string, `scimType` only for the typed 400/409 errors. */
  body(): ErrorBody {
    const body: ErrorBody = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.detail };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }
}
