/** JSON as it travels in SCIM bodies. */
export type ScimValue = string | number | boolean | null | ScimValue[] | ScimObject;
export interface ScimObject {
  [key: string]: ScimValue;
}

export const isObject = (v: unknown): v is ScimObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A UTF-16 surrogate without its other half, which JSON's `\uD800`-style escapes can spell: it is
 * no Unicode character, UTF-8 cannot encode it (RFC 3629 §3), and what a parser or store does with
 * it is unpredictable (RFC 8259 §8.2). SCIM strings are Unicode text (RFC 7643 §2.1), so a string
 * holding one is refused rather than stored. (With the `u` flag a well-formed pair is one code
 * point outside this range: only unpaired halves match.)
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

/**
 * No value for a required attribute: absent, null, "" (RFC 7643 §2.5: unassigned), or text of white
 * space only, which names nothing (a userName or displayName of blanks is no name).
 */
export const isBlank = (value: ScimValue | undefined): boolean =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "");
