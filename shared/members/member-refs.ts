import { ScimError } from "../errors/scim-error.js";
import type { MemberRef } from "../patch/member-changes.js";
import { isObject, type ScimValue } from "../schema/scim-json.js";

/**
 * The member references of a parsed Group's `members` (RFC 7643 §4.2), already validated against
 * the schema. `value` (the member's id) is what a membership is keyed on, so it is required.
 */
export function memberRefs(members: ScimValue | undefined): MemberRef[] {
  if (members === undefined || members === null) return [];
  const list = Array.isArray(members) ? members : [members];
  return list.map((member, i) => {
    const value = isObject(member) ? member.value : undefined;
    if (typeof value !== "string" || value === "") {
      throw new ScimError(
        "invalidValue",
        `Attribute 'members[${i}].value' is required: the id of the member.`,
      );
    }
    const type = isObject(member) && typeof member.type === "string" ? { type: member.type } : {};
    return { value, ...type };
  });
}
