import { expect } from "vitest";
import { ScimError, type ScimErrorCode } from "../../../shared/errors/scim-error.js";
import {
  type ApplyPatchOptions,
  applyCompiledPatch,
  compilePatch,
} from "../../../shared/patch/apply-patch.js";
import type { PatchOperation } from "../../../shared/patch/parse-patch-request.js";
import { attribute } from "../../../shared/schema/attribute.js";
import { buildResourceTypes, type ResourceType } from "../../../shared/schema/resource-type.js";
import type { Schema } from "../../../shared/schema/schema.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";

export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const CUSTOM = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";

/** A custom Entra extension, with an immutable attribute to exercise RFC 7643 §2.2. */
export const customSchema: Schema = {
  id: CUSTOM,
  name: "Contoso",
  description: "Custom attributes",
  attributes: [
    attribute("badge", "string", { description: "Badge id, set once.", mutability: "immutable" }),
    attribute("costCode", "string", { description: "A custom code." }),
  ],
};

export const { User, Group } = buildResourceTypes({ User: [customSchema] });

/** Freezes a JSON value and everything inside it, so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A frozen user: the usual starting point of PATCH tests. */
export function user(extra: ScimObject = {}): ScimObject {
  return deepFreeze({ userName: "alice@contoso.com", ...extra });
}

/** Runs `run`, expects a ScimError with `code` whose detail contains every `mentions` string. */
export function expectScimError(run: () => unknown, code: ScimErrorCode, ...mentions: string[]): ScimError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const error = caught as ScimError;
  expect({ code: error.code, detail: error.detail }).toEqual({ code, detail: expect.any(String) });
  for (const text of mentions) expect(error.detail).toContain(text);
  expect(error.status).toBe(400);
  return error;
}

/** What PATCH /Users/{id} and /Groups/{id} do with a body's operations: compile once, then apply. */
export function applyPatch<E extends string = never>(
  resource: ScimObject,
  operations: readonly PatchOperation[],
  resourceType: ResourceType,
  options: ApplyPatchOptions<E> = {},
) {
  const compiled = compilePatch(operations, resourceType, options);
  return { ...applyCompiledPatch(resource, compiled, resourceType), external: compiled.external };
}
