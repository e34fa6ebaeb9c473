import * as z from "zod";
import {
  type Attribute,
  type AttributeType,
  attribute,
  type Mutability,
  type Returned,
  type Uniqueness,
} from "./attribute.js";
import { foldCase } from "./compare-values.js";
import { CORE_GROUP, CORE_USER, ENTERPRISE_USER, type Schema } from "./schema.js";

/** Custom schema extensions per resource type, ready for `buildResourceTypes`. */
export interface CustomExtensions {
  User: readonly Schema[];
  Group: readonly Schema[];
}

/**
 * An operator's configuration mistake, found at start-up. Deliberately not a ScimError: it never
 * reaches a SCIM client, it is printed by config parsing. `problems` lists every mistake found, each
 * naming its entry, so that one deployment round trip fixes them all.
 */
export class CustomExtensionsError extends Error {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`${source} is invalid:\n- ${problems.join("\n- ")}`);
    this.name = "CustomExtensionsError";
    this.problems = problems;
  }
}

export type CustomExtensionsResult =
  | { ok: true; extensions: CustomExtensions }
  | { ok: false; error: CustomExtensionsError };

/** The configuration as written; characteristics left out get RFC 7643 §2.2 defaults later. */
interface RawAttribute {
  name: string;
  type?: AttributeType | undefined;
  multiValued?: boolean | undefined;
  description?: string | undefined;
  required?: boolean | undefined;
  caseExact?: boolean | undefined;
  mutability?: Mutability | undefined;
  returned?: Returned | undefined;
  uniqueness?: Uniqueness | undefined;
  canonicalValues?: string[] | undefined;
  referenceTypes?: string[] | undefined;
  subAttributes?: RawAttribute[] | undefined;
}

// Strict objects: a misspelt characteristic ("mutablity") is an error, not a silently applied default.
// Names, nesting and uniqueness are checked after parsing, where the message can say why.
const rawAttribute: z.ZodType<RawAttribute> = z.lazy(() =>
  z.strictObject({
    name: z.string(),
    type: z
      .enum(["string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"])
      .optional(),
    multiValued: z.boolean().optional(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    caseExact: z.boolean().optional(),
    mutability: z.enum(["readOnly", "readWrite", "immutable", "writeOnly"]).optional(),
    returned: z.enum(["always", "never", "default", "request"]).optional(),
    uniqueness: z.enum(["none", "server", "global"]).optional(),
    canonicalValues: z.array(z.string()).optional(),
    referenceTypes: z.array(z.string().min(1)).min(1).optional(),
    subAttributes: z.array(rawAttribute).optional(),
  }),
);

const rawExtensions = z.array(
  z.strictObject({
    schema: z.string(),
    name: z.string().min(1),
    description: z.string().optional(),
    resourceType: z.enum(["User", "Group"]),
    attributes: z.array(rawAttribute).min(1),
  }),
  { error: "expected a JSON array of schema extension objects" },
);
type RawExtension = z.infer<typeof rawExtensions>[number];

/** RFC 7643 §2.1 ATTRNAME. */
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/**
 * RFC 8141 `urn:<NID>:<NSS>`, narrowed: the URN becomes a path segment of `/Schemas/<urn>` and the
 * prefix of attribute paths (`<urn>:attr`), so no `/ ? # %`, spaces, or empty or trailing segments.
 */
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}(:[A-Za-z0-9._~-]+)+$/i;
const BUILT_IN_URNS = [CORE_USER, CORE_GROUP, ENTERPRISE_USER];
/** Namespaces that IANA's SCIM registry reserves for core schemas and protocol messages (RFC 7643 §10). */
const RESERVED_PREFIXES = ["urn:ietf:params:scim:schemas:core:", "urn:ietf:params:scim:api:"];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Names where a zod issue is, e.g. `entry 1 (urn:...): attribute "address.street": type`. */
function describePath(input: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  const names: string[] = [];
  let node = input;
  for (const [i, key] of path.entries()) {
    node = isRecord(node) ? node[String(key)] : undefined;
    const parent = path[i - 1];
    if (i === 0) {
      parts.push(
        `entry ${String(key)}${isRecord(node) && typeof node.schema === "string" ? ` (${node.schema})` : ""}`,
      );
    } else if (parent === "attributes" || parent === "subAttributes") {
      names.push(isRecord(node) && typeof node.name === "string" ? node.name : `#${String(key)}`);
    } else if (typeof path[i + 1] !== "number" || (key !== "attributes" && key !== "subAttributes")) {
      // An index after "attributes" is rendered as that attribute's name instead.
      parts.push(String(key));
    }
  }
  if (names.length > 0) parts.splice(1, 0, `attribute "${names.join(".")}"`);
  return parts.join(": ") || "top level";
}

function checkUrn(
  entry: RawExtension,
  label: string,
  earlier: readonly RawExtension[],
  all: readonly RawExtension[],
): string[] {
  const urn = entry.schema;
  if (!foldCase(urn).startsWith("urn:"))
    return [`${label}: the schema id must be a URN starting with "urn:".`];
  if (!URN.test(urn)) {
    return [
      `${label}: the schema id is not a usable URN: expected urn:<namespace>:<segment>[:<segment>...] ` +
        `with letters, digits, ".", "_", "~" or "-" in each segment.`,
    ];
  }
  const problems: string[] = [];
  if (BUILT_IN_URNS.some((b) => foldCase(b) === foldCase(urn))) {
    problems.push(`${label}: this is the URN of a built-in schema; a custom extension needs its own.`);
  } else if (RESERVED_PREFIXES.some((p) => foldCase(urn).startsWith(p))) {
    problems.push(`${label}: the URN is in a namespace reserved for SCIM core schemas and messages.`);
  }
  const duplicate = earlier.findIndex((e) => foldCase(e.schema) === foldCase(urn));
  if (duplicate >= 0)
    problems.push(`${label}: the URN duplicates entry ${duplicate} (URNs are compared case-insensitively).`);
  // resolvePath takes the longest URN that prefixes a path: a URN inside another would make
  // "<outer>:<x>" mean both an attribute of the outer schema and the inner schema itself.
  for (const other of [...BUILT_IN_URNS, ...all.map((e) => e.schema)]) {
    if (foldCase(urn).startsWith(`${foldCase(other)}:`)) {
      problems.push(
        `${label}: the URN starts with the URN of schema "${other}", so attribute paths would be ambiguous.`,
      );
    }
  }
  return problems;
}

function checkAttributes(
  attributes: readonly RawAttribute[],
  label: string,
  parent?: RawAttribute,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const attr of attributes) {
    const path = parent ? `${parent.name}.${attr.name}` : attr.name;
    const at = `${label}: attribute "${path}"`;
    const type = attr.type ?? "string";
    if (!ATTRNAME.test(attr.name) && !(parent && attr.name === "$ref")) {
      problems.push(
        `${at}: the name must start with a letter and hold only letters, digits, "_" or "-" (RFC 7643 §2.1)` +
          `${parent ? ', or be "$ref"' : ""}.`,
      );
    }
    if (seen.has(foldCase(attr.name))) {
      problems.push(`${at}: duplicate name (attribute names are case-insensitive, RFC 7643 §2.1).`);
    }
    seen.add(foldCase(attr.name));
    if (attr.uniqueness === "server" || attr.uniqueness === "global") {
      problems.push(
        `${at}: uniqueness "${attr.uniqueness}" cannot be enforced for extension attributes ` +
          `(only userName and group displayName have unique keys in the store); use "none".`,
      );
    }
    if (attr.required && attr.mutability === "readOnly") {
      // Clients' values of a readOnly attribute are ignored and the server sets no custom one.
      problems.push(
        `${at}: a readOnly attribute cannot be required: clients cannot set it, so every create would fail.`,
      );
    }
    if (attr.mutability === "writeOnly" && attr.returned !== undefined && attr.returned !== "never") {
      problems.push(
        `${at}: a writeOnly attribute is never returned (RFC 7643 §7); leave returned out or make it "never".`,
      );
    }
    if (type === "binary" && attr.caseExact === false) {
      problems.push(`${at}: binary values are case exact (RFC 7643 §2.3.6); leave caseExact out.`);
    }
    if (attr.referenceTypes && type !== "reference") {
      problems.push(`${at}: referenceTypes apply only to attributes of type "reference" (RFC 7643 §7).`);
    }
    if (parent) {
      if (type === "complex" || attr.subAttributes) {
        problems.push(
          `${at}: complex attributes nest one level only; a sub-attribute cannot have sub-attributes (RFC 7643 §2.3.8).`,
        );
      }
      if (attr.multiValued) {
        // The validator checks each sub-attribute as a single value, so a multi-valued one could never be written.
        problems.push(
          `${at}: multi-valued sub-attributes are not supported; use a multi-valued complex attribute.`,
        );
      }
    } else if (type === "complex") {
      if (!attr.subAttributes?.length) problems.push(`${at}: a complex attribute needs subAttributes.`);
      else problems.push(...checkAttributes(attr.subAttributes, label, attr));
    } else if (attr.subAttributes) {
      problems.push(
        `${at}: only attributes of type "complex" may have subAttributes, this one is "${type}".`,
      );
    }
  }
  return problems;
}

/**
 * RFC 7643 §2.2 defaults come from `attribute()`, exactly as for the built-in schemas; a writeOnly
 * attribute is `returned: never` (RFC 7643 §7: its values "SHALL NOT be returned"), not "default",
 * or the value a client may only write would be in every response and could be filtered on.
 */
function toAttribute(raw: RawAttribute): Attribute {
  const { name, type, subAttributes, ...characteristics } = raw;
  // Keys the operator left out must stay absent, or their undefined would override the defaults.
  const options = Object.fromEntries(Object.entries(characteristics).filter(([, v]) => v !== undefined));
  return attribute(name, type ?? "string", {
    ...(raw.mutability === "writeOnly" ? { returned: "never" } : {}),
    ...options,
    ...(subAttributes ? { subAttributes: subAttributes.map(toAttribute) } : {}),
  });
}

/**
 * Parses the operator's custom schema extensions (RFC 7643 §3.3, §7) from JSON text: the app setting
 * `SCIM_SCHEMA_EXTENSIONS` or a file's contents; `source` names it in messages. Blank text means no
 * extensions (an app setting that exists but is empty). Characteristics default per RFC 7643 §2.2.
 *
 * `required: true` is accepted and enforced like any required attribute: POST and PUT must give it,
 * PATCH cannot remove it, and a required sub-attribute is in every value of its attribute
 * (`checkRequiredSubAttributes`). Entra never lists custom extension URNs in `schemas[]`, so a
 * required extension attribute must be mapped in Entra for every object in scope, or its creates
 * fail. The resource type still declares the extension itself `required: false` for the same reason.
 */
export function parseCustomExtensions(
  text: string,
  source = "SCIM_SCHEMA_EXTENSIONS",
): CustomExtensionsResult {
  const fail = (problems: string[]): CustomExtensionsResult => ({
    ok: false,
    error: new CustomExtensionsError(source, problems),
  });
  // Editors on Windows save JSON with a byte order mark, which JSON.parse rejects.
  const json = text.replace(/^\uFEFF/, "");
  if (json.trim() === "") return { ok: true, extensions: { User: [], Group: [] } };
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (e) {
    return fail([`not valid JSON: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const parsed = rawExtensions.safeParse(input);
  if (!parsed.success) {
    return fail(parsed.error.issues.map((issue) => `${describePath(input, issue.path)}: ${issue.message}`));
  }
  const entries = parsed.data;
  const problems = entries.flatMap((entry, i) => {
    const label = `entry ${i} (${entry.schema})`;
    return [
      ...checkUrn(entry, label, entries.slice(0, i), entries),
      ...checkAttributes(entry.attributes, label),
    ];
  });
  if (problems.length > 0) return fail(problems);
  const extensions = { User: [] as Schema[], Group: [] as Schema[] };
  for (const entry of entries) {
    extensions[entry.resourceType].push({
      id: entry.schema,
      name: entry.name,
      description: entry.description ?? "",
      attributes: entry.attributes.map(toAttribute),
    });
  }
  return { ok: true, extensions };
}
