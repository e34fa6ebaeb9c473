/**
 * The catalogue of SCIM error types (RFC 7644 §3.12) plus the few non-SCIM codes this server
 * answers with. Each entry fixes the HTTP status so that no call site can pair them wrongly.
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
} as const;

export type PlainErrorCode = keyof typeof plainStatuses;
