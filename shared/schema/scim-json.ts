/** JSON as it travels in SCIM bodies. */
export type ScimValue = string | number | boolean | null | ScimValue[] | ScimObject;
export interface ScimObject {
  [key: string]: ScimValue;
}

export const isObject = (v: unknown): v is ScimObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);
