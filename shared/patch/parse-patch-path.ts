import { ScimError } from "../errors/scim-error.js";
import { parseFilter } from "../filter/parse-filter.js";
import type { Attribute } from "../schema/attribute.js";
import { findAttribute, resolvePath } from "../schema/resolve-path.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { Schema } from "../schema/schema.js";
import { bindValueFilter, type ValueFilter } from "./bind-value-filter.js";

/** A PATCH path resolved against a resource type: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`. */
export interface PatchPath {
  /** The path as the client wrote it, for error details. */
  text: string;
  /** The extension schema the attribute belongs to; undefined for core and common attributes. */
  extension: Schema | undefined;
  /** The top-level attribute, canonical spelling in `attribute.name`. */
  attribute: Attribute;
  /** The bracket filter of a value path, bound to the attribute's sub-attributes. */
  filter: ValueFilter | undefined;
  /** `attr.sub` or `attr[filter].sub`. */
  subAttribute: Attribute | undefined;
}

const SUB_ATTRIBUTE = /^\.((?:[A-Za-z][A-Za-z0-9_-]*)|\$ref)$/;

/**
 * Index of the `]` closing the bracket opened before `from`, skipping JSON strings; -1 if none.
 * Inner brackets are counted so that a nested filter reaches the filter parser, which explains it.
 */
function closingBracket(text: string, from: number): number {
  let inString = false;
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === "[") {
      depth++;
    } else if (ch === "]") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/**
 * Parses and resolves a PATCH `path` (RFC 7644 §3.5.2, Figure 7: `attrPath / valuePath [subAttr]`,
 * optionally URN-qualified per §3.10) against `resourceType`, case-insensitively. Malformed paths
 * and attributes no schema defines are `invalidPath`; a bad bracket filter is `invalidFilter`. Both
 * name the path.
 */
export function parsePatchPath(path: string, resourceType: ResourceType): PatchPath {
  const text = path.trim();
  const fail = (why: string) => new ScimError("invalidPath", `Path '${path}': ${why}.`);
  if (text === "") throw fail("the path is empty");

  const open = text.indexOf("[");
  const head = open < 0 ? text : text.slice(0, open);
  // resolvePath also resolves a bare extension attribute (`manager`), which Entra sends.
  const resolved = resolvePath(resourceType, head);
  if (!resolved) throw fail(`'${head}' is not an attribute of ${resourceType.name} resources`);
  const { extension, attribute } = resolved;
  if (open < 0) return { text, extension, attribute, filter: undefined, subAttribute: resolved.subAttribute };

  if (resolved.subAttribute) throw fail("a filter must follow the attribute, not one of its sub-attributes");
  if (attribute.type !== "complex") {
    throw fail(`'${attribute.name}' is not complex, so it cannot be filtered`);
  }
  const close = closingBracket(text, open + 1);
  if (close < 0) throw fail('the "[" is never closed');
  const filterText = text.slice(open + 1, close);
  const tail = text.slice(close + 1);
  let subAttribute: Attribute | undefined;
  if (tail !== "") {
    const name = SUB_ATTRIBUTE.exec(tail)?.[1];
    if (name === undefined) {
      throw fail(`expected the end of the path or ".subAttribute" after "]", found '${tail}'`);
    }
    subAttribute = findAttribute(attribute.subAttributes, name);
    if (!subAttribute) throw fail(`'${name}' is not a sub-attribute of '${attribute.name}'`);
  }
  let ast: ReturnType<typeof parseFilter>;
  try {
    ast = parseFilter(filterText);
  } catch (error) {
    if (error instanceof ScimError) {
      throw new ScimError(error.code, `In path '${path}': ${error.detail.replace(/\.$/, "")}.`);
    }
    throw error;
  }
  const filter = bindValueFilter(ast, attribute, extension?.id ?? resourceType.core.id, path);
  return { text, extension, attribute, filter, subAttribute };
}
