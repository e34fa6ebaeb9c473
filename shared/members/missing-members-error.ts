import { ScimError } from "../errors/scim-error.js";

/** How many missing ids an error names; the rest are counted, so the detail stays readable. */
const NAMED = 10;

/** 400 invalidValue (RFC 7644 §3.12) naming the member ids that are no User or Group of the tenant. */
export function missingMembersError(missing: readonly string[]): ScimError {
  const named = missing
    .slice(0, NAMED)
    .map((id) => JSON.stringify(id))
    .join(", ");
  const more = missing.length > NAMED ? ` and ${missing.length - NAMED} more` : "";
  return new ScimError(
    "invalidValue",
    `Attribute 'members': no User or Group with id ${named}${more} exists; nothing was changed.`,
  );
}
