/** Stable codes of what tenant administration can refuse (the CLI maps each to an exit code). */
export type TenantErrorCode =
  | "invalid"
  | "not_found"
  | "exists"
  | "conflict"
  | "limit"
  | "busy"
  | "confirmation_required";

/** A refused tenant administration step: `code` is stable, `message` names the thing and the fix. */
export class TenantError extends Error {
  override name = "TenantError";
  constructor(
    readonly code: TenantErrorCode,
    message: string,
  ) {
    super(message);
  }
}
