import type { ScimValue } from "../schema/scim-json.js";

/** Structural equality of JSON values; key order does not matter, array order does. */
export function scimEquals(a: ScimValue | undefined, b: ScimValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => scimEquals(item, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && scimEquals(a[key], b[key]));
}
