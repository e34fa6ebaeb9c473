import { ScimError } from "../errors/scim-error.js";

/**
 * The answer to query parameters on `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas`
 * (RFC 7644 §4): parameters of §3.4.2 (sorting, pagination, attributes, ...) and unknown ones such as
 * Entra's `aadOptscim062020` are ignored, but a non-blank `filter` gets 403 Forbidden, as the RFC
 * recommends, so that a client never reads an unfiltered list as the result of its filter.
 * The name is matched case-insensitively so `Filter=` cannot slip past as an ignored parameter.
 * Returns the error to throw, or undefined when the request may proceed.
 */
export function discoveryQueryError(query: URLSearchParams): ScimError | undefined {
  for (const [name, value] of query) {
    if (name.toLowerCase() === "filter" && value.trim() !== "") {
      return new ScimError("forbidden", "Filtering is not supported on discovery endpoints (RFC 7644 §4).");
    }
  }
  return undefined;
}
