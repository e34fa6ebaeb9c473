import type { ResourceType } from "../schema/resource-type.js";
import { bindFilter } from "./bind-filter.js";
import { type CompileOptions, compileFilter, type SqlFilter } from "./compile-filter.js";
import { parseFilter } from "./parse-filter.js";

/**
 * One call for the store: parses a SCIM filter (RFC 7644 §3.4.2.2), binds it to `resourceType` and
 * compiles it to a parameterized Cosmos DB WHERE expression over alias `c`. Throws ScimError
 * `invalidFilter` for any bad filter, including tests on User `groups` / Group `members` unless
 * `options.resolveExternal` handles them.
 */
export function filterToSql(
  text: string,
  resourceType: ResourceType,
  options: CompileOptions = {},
): SqlFilter {
  return compileFilter(bindFilter(parseFilter(text), resourceType), options);
}
