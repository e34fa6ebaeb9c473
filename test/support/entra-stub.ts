import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

export interface EntraStub {
  /** Use as SCIM_ENTRA_AUTHORITY. */
  authority: string;
  /** The directory the tokens below come from by default. */
  tid: string;
  kid: string;
  keys: Keys;
  publicJwk: JWK;
  /** How often each document was fetched. */
  fetches: { metadata: number; keys: number };
  /** Make the key set (or the metadata) answer 500, as when Entra cannot be reached. */
  failing: { keys: boolean; metadata: boolean };
  /** A v1 provisioning token as Entra sends it in place of a Secret Token. */
  provisioningToken(claims?: JWTPayload, header?: { kid?: string | null }): Promise<string>;
  /** A v2 token as Entra sends it as a workload identity federation client assertion. */
  assertion(claims?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export const ENTRA_AUDIENCE = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

/**
 * A stand-in for Entra's OpenID metadata and key sets on 127.0.0.1, shaped like the real ones
 * (`/common/.well-known/openid-configuration` -> `/common/discovery/keys`, and the v2.0 pair), so
 * tests verify real RS256 tokens with no network.
 */
export async function startEntraStub(): Promise<EntraStub> {
  const keys = await generateKeyPair("RS256", { extractable: true });
  const kid = "stub-key-1";
  const publicJwk = { ...(await exportJWK(keys.publicKey)), kid, use: "sig", alg: "RS256" };
  const fetches = { metadata: 0, keys: 0 };
  const failing = { keys: false, metadata: false };
  let base = "";
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const path = req.url ?? "";
    if (path.endsWith("/.well-known/openid-configuration")) {
      fetches.metadata++;
      if (failing.metadata) return send(500, {});
      const v2 = path.includes("/v2.0/");
      return send(200, {
        issuer: v2
          ? "https://login.microsoftonline.com/{tenantid}/v2.0"
          : "https://sts.windows.net/{tenantid}/",
        jwks_uri: `${base}/common/discovery/${v2 ? "v2.0/" : ""}keys`,
      });
    }
    if (path.endsWith("/keys")) {
      fetches.keys++;
      if (failing.keys) return send(500, {});
      return send(200, { keys: [publicJwk] });
    }
    send(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tid = randomUUID();
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: JWTPayload, headerKid: string | null | undefined) =>
    new SignJWT(claims)
      .setProtectedHeader({
        alg: "RS256",
        typ: "JWT",
        ...(headerKid === null ? {} : { kid: headerKid ?? kid }),
      })
      .sign(keys.privateKey);
  return {
    authority: base,
    tid,
    kid,
    keys,
    publicJwk,
    fetches,
    failing,
    provisioningToken: (claims = {}, header = {}) => {
      const t = typeof claims.tid === "string" ? claims.tid : tid;
      return sign(
        {
          aud: ENTRA_AUDIENCE,
          iss: `https://sts.windows.net/${t}/`,
          tid: t,
          iat: now(),
          nbf: now(),
          exp: now() + 3600,
          appid: randomUUID(),
          ...claims,
        },
        header.kid,
      );
    },
    assertion: (claims = {}) =>
      sign(
        {
          aud: "api://AzureADTokenExchange",
          iss: `https://login.microsoftonline.com/${tid}/v2.0`,
          sub: "entra-provisioning-sp",
          tid,
          jti: randomUUID(),
          iat: now(),
          nbf: now(),
          exp: now() + 3600,
          ...claims,
        },
        undefined,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
