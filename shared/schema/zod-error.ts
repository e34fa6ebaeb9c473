import type { z } from "zod";
import { ScimError } from "../errors/scim-error.js";

const describe = (path: readonly PropertyKey[]) =>
  path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, "");

/** Turns the first zod issue into a 400 invalidValue whose detail names the attribute (RFC 7644 §3.12). */
export function zodToScimError(error: z.ZodError, prefix: string): ScimError {
  const issue = error.issues[0];
  if (!issue) return new ScimError("invalidValue", `Attribute '${prefix}' is invalid.`);
  const where = describe([...(prefix ? [prefix] : []), ...issue.path]);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `'${where ? `${where}.` : ""}${k}'`).join(", ");
    return new ScimError("invalidValue", `Unknown attribute ${keys}: not defined by the resource's schemas.`);
  }
  return new ScimError("invalidValue", `Attribute '${where}': ${issue.message}.`);
}
