/** The three PATCH operations of RFC 7644 §3.5.2, lower-cased. */
export type PatchOpName = "add" | "replace" | "remove";

/**
 * One PATCH operation after request parsing (RFC 7644 §3.5.2). `value` is left as raw JSON: only
 * the attribute a path resolves to knows how to validate it.
 */
export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}
