import { ScimError } from "../errors/scim-error.js";
import { namesVersion, weakEtag } from "../schema/render-resource.js";

// Conditional requests (RFC 7644 §3.14, RFC 7232): checked against the version a request read.

/**
 * RFC 7644 §3.14 / RFC 7232 §3.1: a client's If-Match must name the current version, else 412.
 * Returns whether the client asked for a precondition (then no automatic retry may hide a conflict).
 */
export function checkIfMatch(header: string | undefined, currentEtag: string): boolean {
  if (header === undefined) return false;
  if (!namesVersion(header, currentEtag)) {
    throw new ScimError(
      "preconditionFailed",
      `The resource has changed: its version is ${weakEtag(currentEtag)}, not ${header}.`,
    );
  }
  return true;
}

/** The precondition headers of a write (RFC 7232 §3.1, §3.2). */
export interface WritePreconditions {
  ifMatch: string | undefined;
  ifNoneMatch: string | undefined;
}

export const writePreconditions = (header: (name: string) => string | undefined): WritePreconditions => ({
  ifMatch: header("if-match"),
  ifNoneMatch: header("if-none-match"),
});

/**
 * RFC 7232 §3.1 then §3.2 (the order of §6): If-Match as above; an If-None-Match naming the
 * current version, or `*` (any version exists), MUST NOT let a PUT, PATCH or DELETE happen: 412.
 * Returns whether a retry after a concurrent write must answer 412 instead (If-Match only: an
 * If-None-Match is simply checked again against the version the retry reads).
 */
export function checkWritePreconditions(conditions: WritePreconditions, currentEtag: string): boolean {
  const clientPrecondition = checkIfMatch(conditions.ifMatch, currentEtag);
  if (conditions.ifNoneMatch !== undefined && namesVersion(conditions.ifNoneMatch, currentEtag)) {
    throw new ScimError(
      "preconditionFailed",
      `If-None-Match ${conditions.ifNoneMatch} names the resource's current version ${weakEtag(currentEtag)}; nothing was changed.`,
    );
  }
  return clientPrecondition;
}
