import { type PlainErrorCode, plainStatuses, type ScimType, scimTypes } from "./scim-type.js";

export type ScimErrorCode = ScimType | PlainErrorCode;

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
}

export const isScimError = (e: unknown): e is ScimError => e instanceof ScimError;
