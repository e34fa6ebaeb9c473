import { ScimError } from "../errors/scim-error.js";

/** Builds the RFC 7644 §3.12 `invalidFilter` error (400) that every bad filter becomes. */
export function invalidFilter(detail: string): ScimError {
  return new ScimError("invalidFilter", detail);
}

/** `Expected <what> at position <n> of the filter, found <found>`: one wording for every syntax error (RFC 7644 §3.12 invalidFilter). */
export function expected(what: string, position: number, found: string): ScimError {
  return invalidFilter(`Expected ${what} at position ${position} of the filter, found ${found}`);
}

/** Quotes client text for an error detail, cut short so a 4 KB filter cannot bloat the response. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
