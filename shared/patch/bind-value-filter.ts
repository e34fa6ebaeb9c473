import { ScimError } from "../errors/scim-error.js";
import type { AttributePath, Comparison, Filter } from "../filter/ast.js";
import { comparisonTest } from "../filter/coerce-filter-value.js";
import type { Attribute } from "../schema/attribute.js";
import { compareScalars, comparisonForm } from "../schema/compare-values.js";
import { resolveSubAttributePath } from "../schema/resolve-path.js";
import type { ScimObject, ScimValue } from "../schema/scim-json.js";

/** The bracket filter of a PATCH value path, bound to the sub-attributes of its attribute. */
export interface ValueFilter {
  /** Whether one element (or the value of a singular complex attribute) passes the filter. */
  matches(element: ScimObject): boolean;
  /**
   * The sub-attribute values fixed by `eq` comparisons joined with `and` (raw literals, validated
   * later with the attribute's schema): the element a replace creates when nothing matches.
   * Undefined when the filter is not such a conjunction, so it describes no single element.
   */
  template: ScimObject | undefined;
  /** For `value eq "a" or value eq "b"` filters only: the listed values (member removal). */
  values: string[] | undefined;
  /** Its comparisons and presence tests: the most `matches` evaluates for one element. */
  tests: number;
}

type Predicate = (element: ScimObject) => boolean;

const isPresent = (value: ScimValue | undefined) =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/**
 * Binds the filter inside `path[...]` (RFC 7644 §3.5.2, valuePath) to `attribute`'s
 * sub-attributes. Names are case-insensitive and may repeat the attribute (`emails.type`) or carry
 * the URN of `schema`, the schema defining `attribute`; string comparisons honour `caseExact`;
 * Entra's "True"/"False" literals compare as booleans. Unknown sub-attributes, a URN naming another
 * schema, operators that do not fit the type, and nested value paths are `invalidFilter` errors
 * naming `path`.
 */
export function bindValueFilter(
  filter: Filter,
  attribute: Attribute,
  schema: string,
  path: string,
): ValueFilter {
  const fail = (detail: string) => new ScimError("invalidFilter", `In path '${path}': ${detail}.`);

  const subAttribute = (ref: AttributePath): Attribute => {
    const written = [ref.uri, [ref.attribute, ref.sub].filter(Boolean).join(".")].filter(Boolean).join(":");
    // The same names a query's value path takes (bind-filter.ts).
    const found = resolveSubAttributePath(attribute, schema, ref);
    if ("subAttribute" in found) return found.subAttribute;
    throw fail(
      found.problem === "schema"
        ? `'${written}' names the schema '${ref.uri}', but '${attribute.name}' belongs to '${schema}'`
        : `'${written}' is not a sub-attribute of '${attribute.name}'`,
    );
  };

  const comparison = (node: Comparison): Predicate => {
    const sub = subAttribute(node.path);
    if (node.value === null) {
      if (node.op !== "eq" && node.op !== "ne") throw fail(`"${node.op} null" is not a valid comparison`);
      const wanted = node.op === "ne";
      return (element) => isPresent(element[sub.name]) === wanted;
    }
    let test: ReturnType<typeof comparisonTest>;
    try {
      // The same test a query makes of the element (bind-filter.ts): a dateTime literal finer than
      // the millisecond instants kept is decided as there, not rounded onto a stored instant, and
      // Entra's JSON app role compares as the role stored (`roles[value eq "{...}"]`).
      test = comparisonTest(sub, attribute, node.op, node.value, sub.name, node.position);
    } catch (error) {
      if (error instanceof ScimError) throw fail(error.detail.replace(/\.$/, ""));
      throw error;
    }
    if (typeof test === "boolean") {
      const answer = test;
      return () => answer;
    }
    const { op, value } = test;
    return (element) => compareScalars(op, comparisonForm(sub, element[sub.name]), value);
  };

  const bind = (node: Filter): Predicate => {
    switch (node.kind) {
      case "and": {
        const [left, right] = [bind(node.left), bind(node.right)];
        return (element) => left(element) && right(element);
      }
      case "or": {
        const [left, right] = [bind(node.left), bind(node.right)];
        return (element) => left(element) || right(element);
      }
      case "not": {
        const inner = bind(node.filter);
        return (element) => !inner(element);
      }
      case "present": {
        const sub = subAttribute(node.path);
        return (element) => isPresent(element[sub.name]);
      }
      case "comparison":
        return comparison(node);
      case "valuePath":
        throw fail("value filters cannot be nested");
    }
  };

  const template = (node: Filter): ScimObject | undefined => {
    if (node.kind === "comparison") {
      return node.op === "eq" && node.value !== null
        ? { [subAttribute(node.path).name]: node.value }
        : undefined;
    }
    if (node.kind !== "and") return undefined;
    const [left, right] = [template(node.left), template(node.right)];
    if (!left || !right) return undefined;
    // `type eq "work" and type eq "home"` describes no element.
    const clash = Object.keys(right).some((key) => Object.hasOwn(left, key) && left[key] !== right[key]);
    return clash ? undefined : { ...left, ...right };
  };

  const values = (node: Filter): string[] | undefined => {
    if (node.kind === "comparison") {
      const isValueEq =
        node.op === "eq" && typeof node.value === "string" && subAttribute(node.path).name === "value";
      return isValueEq ? [node.value as string] : undefined;
    }
    if (node.kind !== "or") return undefined;
    const [left, right] = [values(node.left), values(node.right)];
    return left && right ? [...left, ...right] : undefined;
  };

  const tests = (node: Filter): number => {
    if (node.kind === "and" || node.kind === "or") return tests(node.left) + tests(node.right);
    if (node.kind === "not") return tests(node.filter);
    return 1;
  };

  return { matches: bind(filter), template: template(filter), values: values(filter), tests: tests(filter) };
}
