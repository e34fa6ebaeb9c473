/** RFC 7644 §3.4.2 spells this one ListResponse key capitalised. */
const CAPITALISED_KEYS = new Set(["Resources"]);
const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;

/**
 * Everything Entra's deserializer objects to in a discovery document, anywhere in it: null or
 * undefined values (Entra wants absent keys omitted) and keys that are not camelCase.
 */
export function jsonShapeProblems(value: unknown, path = "$"): string[] {
  if (value === null) return [`${path} is null`];
  if (value === undefined) return [`${path} is undefined`];
  if (Array.isArray(value)) return value.flatMap((item, i) => jsonShapeProblems(item, `${path}[${i}]`));
  if (typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(CAMEL_CASE.test(key) || CAPITALISED_KEYS.has(key) ? [] : [`${path}.${key} is not camelCase`]),
    ...jsonShapeProblems(child, `${path}.${key}`),
  ]);
}
