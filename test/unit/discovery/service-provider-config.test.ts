import { expect, test } from "vitest";
import {
  OAUTH_BEARER_TOKEN,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  type ServerCapabilities,
  serviceProviderConfig,
} from "../../../shared/discovery/service-provider-config.js";
import { jsonShapeProblems } from "./json-shape.js";

const BASE = "https://scim.example/scim/v2";

const capabilities: ServerCapabilities = {
  patch: true,
  bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
  filter: { supported: true, maxResults: 200 },
  changePassword: false,
  sort: false,
  etag: true,
  authenticationSchemes: [OAUTH_BEARER_TOKEN],
};

test("renders RFC 7643 §5 from the capabilities, without optional keys that were not given", () => {
  expect(serviceProviderConfig(capabilities, BASE)).toStrictEqual({
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
    filter: { supported: true, maxResults: 200 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "Authentication scheme using the OAuth Bearer Token Standard",
        specUri: "https://www.rfc-editor.org/info/rfc6750",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${BASE}/ServiceProviderConfig` },
  });
});

test("documentationUri, sort and the RFC 9865 pagination object follow the input", () => {
  const doc = serviceProviderConfig(
    {
      ...capabilities,
      sort: true,
      documentationUri: "https://docs.example/scim",
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: "index",
        defaultPageSize: 100,
        maxPageSize: 200,
        cursorTimeout: 3600,
      },
    },
    `${BASE}/`,
  );
  expect(doc.documentationUri).toBe("https://docs.example/scim");
  expect(doc.sort).toEqual({ supported: true });
  expect(doc.pagination).toStrictEqual({
    cursor: true,
    index: true,
    defaultPaginationMethod: "index",
    defaultPageSize: 100,
    maxPageSize: 200,
    cursorTimeout: 3600,
  });
  expect(doc.meta.location).toBe(`${BASE}/ServiceProviderConfig`);
});

test("optional pagination and scheme fields that are undefined are omitted, never null", () => {
  const doc = serviceProviderConfig(
    {
      ...capabilities,
      documentationUri: undefined,
      pagination: { cursor: false, index: true, defaultPageSize: undefined },
      authenticationSchemes: [
        { ...OAUTH_BEARER_TOKEN, documentationUri: undefined },
        { type: "oauthbearertoken", name: "Entra JWT", description: "Tokens issued by Microsoft Entra ID" },
      ],
    },
    BASE,
  );
  expect(doc.pagination).toStrictEqual({ cursor: false, index: true });
  expect("documentationUri" in doc).toBe(false);
  expect(doc.authenticationSchemes[1]).toStrictEqual({
    type: "oauthbearertoken",
    name: "Entra JWT",
    description: "Tokens issued by Microsoft Entra ID",
  });
  expect(jsonShapeProblems(doc)).toEqual([]);
});

test("has every key RFC 7643 §5 requires", () => {
  const doc = serviceProviderConfig(capabilities, BASE);
  expect(Object.keys(doc)).toEqual(
    expect.arrayContaining([
      "schemas",
      "patch",
      "bulk",
      "filter",
      "changePassword",
      "sort",
      "etag",
      "authenticationSchemes",
      "meta",
    ]),
  );
  expect(jsonShapeProblems(doc)).toEqual([]);
});

test("does not share objects with the input", () => {
  const doc = serviceProviderConfig(capabilities, BASE);
  expect(doc.bulk).not.toBe(capabilities.bulk);
  expect(doc.authenticationSchemes[0]).not.toBe(OAUTH_BEARER_TOKEN);
});
