import { ScimError } from "../errors/scim-error.js";
import { etagValue, weakEtag } from "../schema/render-resource.js";

/**
 * RFC 7644 §3.14 / RFC 7232 §3.1: a client's If-Match must name the current version, else 412.
 * Returns whether the client asked for a precondition (then no automatic retry may hide a conflict).
 */
export function checkIfMatch(header: string | undefined, currentEtag: string): boolean {
  if (header === undefined) return false;
  const wanted = header.split(",").map((t) => t.trim());
  if (wanted.includes("*")) return true;
  if (!wanted.some((t) => etagValue(t) === etagValue(currentEtag))) {
    throw new ScimError(
      "preconditionFailed",
      `The resource has changed: its version is ${weakEtag(currentEtag)}, not ${header}.`,
    );
  }
  return true;
}
