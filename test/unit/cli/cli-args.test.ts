import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parseCliArgs, parseExpiry, USAGE, UsageError } from "../../../shared/cli/cli-args.js";
import { table } from "../../../shared/cli/cli-output.js";

const now = new Date("2026-01-01T00:00:00Z");
const parse = (...argv: string[]) => parseCliArgs(argv, now);

describe("npm run tenants -- <command>", () => {
  test.each([
    [
      ["create", "contoso", "--name", "Contoso Ltd"],
      { name: "create", tenant: "contoso", displayName: "Contoso Ltd" },
    ],
    [["list", "--json"], { name: "list" }],
    [
      ["delete", "x", "--confirm", "x"],
      { name: "delete", tenant: "x", confirm: "x", batchSize: 100, graceSeconds: 120 },
    ],
    [
      ["token", "create", "t", "--expires", "90d"],
      { name: "token create", tenant: "t", expires: "2026-04-01T00:00:00.000Z" },
    ],
    [["token", "revoke", "t", "abcd1234"], { name: "token revoke", tenant: "t", tokenId: "abcd1234" }],
    [["entra", "allow", "t", "g"], { name: "entra allow", tenant: "t", tid: "g" }],
    [
      ["client", "secret", "add", "t", "c", "--label", "next"],
      { name: "client secret add", tenant: "t", clientId: "c", label: "next" },
    ],
    [
      ["client", "secret", "revoke", "t", "c", "s"],
      { name: "client secret revoke", tenant: "t", clientId: "c", secretId: "s" },
    ],
    [
      ["client", "federate", "t", "c", "--issuer", "https://i", "--subject", "s"],
      { name: "client federate", tenant: "t", clientId: "c", issuer: "https://i", subject: "s" },
    ],
    // An empty --audience reaches the registry, which refuses it (exit 2), instead of silently
    // registering the default audience.
    [
      ["client", "federate", "t", "c", "--issuer", "https://i", "--subject", "s", "--audience", ""],
      {
        name: "client federate",
        tenant: "t",
        clientId: "c",
        issuer: "https://i",
        subject: "s",
        audience: "",
      },
    ],
    [["help"], { name: "help" }],
    [["--help"], { name: "help" }],
    [["-h", "create"], { name: "help" }],
  ])("%j", (argv, command) => {
    expect(parse(...argv).command).toEqual(command);
  });

  test("--json is read wherever it stands", () => {
    expect(parse("--json", "list").json).toBe(true);
    expect(parse("list", "--json", "--json").json).toBe(true);
    expect(parse("list").json).toBe(false);
  });

  test.each([
    [["create"]],
    [["create", "a", "b"]],
    [["list", "--bogus"]],
    [["token", "delete", "t"]],
    [["entra", "allow", "t"]],
    [["client", "federate", "t", "c", "--issuer", "https://i"]],
    [["delete", "t", "--batch-size", "0"]],
    [["token", "create", "t", "--expires", "someday"]],
    [["token", "create", "t", "--expires", "2025-12-31"]],
    [["token", "create", "t", "--expires", "0d"]],
    // Dates that do not exist, or that Date.parse reads by rules of its own: the expiry was a day
    // the operator never wrote (2027-02-31 became March 3).
    [["token", "create", "t", "--expires", "2027-02-31"]],
    [["token", "create", "t", "--expires", "2027-13-01"]],
    [["token", "create", "t", "--expires", "2027-01-31T24:00Z"]],
    [["client", "create", "t", "--expires", "1 2 2027"]],
    [["client", "create", "t", "--expires", "2027"]],
    [["client", "secret", "add", "t", "c", "--expires", "Jan 31 2027"]],
    [["client", "create", "t", "--expires", "2026-01-01T00:00:00Z"]],
    [["client", "secret", "add", "t", "c", "--expires", "0h"]],
    [["nope"]],
    // No command: a script that lost its arguments must not exit 0.
    [[]],
    [["--json"]],
    // Options the command does not read were dropped silently.
    [["token", "list", "t", "--expires", "90d"]],
    [["create", "t", "--label", "x"]],
    [["client", "create", "t", "--issuer", "https://i"]],
    [["list", "--confirm", "x"]],
    [["delete", "t", "--batch-size", "0x10"]],
    [["delete", "t", "--grace-seconds", "1e1"]],
    // A repeated option kept its last value: a token meant for 90 days lived an hour.
    [["token", "create", "t", "--expires", "90d", "--expires", "1h"]],
    [["delete", "t", "--confirm", "t", "--confirm", "u"]],
    [["client", "federate", "t", "c", "--issuer", "https://i", "--subject", "a", "--subject=b"]],
  ])("refuses %j", (argv) => {
    expect(() => parse(...argv)).toThrow(UsageError);
  });

  test("an option the command does not take is named as such, whatever its value", () => {
    // It was refused as a bad date first, and once the date was corrected, as not applying.
    expect(() => parse("token", "list", "t", "--expires", "2027-02-31")).toThrow(
      "--expires does not apply to 'token list'.",
    );
    expect(() => parse("client", "delete", "t", "c", "--expires", "yesterday")).toThrow(
      "--expires does not apply to 'client delete'.",
    );
  });

  test("expiry: a date, or days or hours from now", () => {
    expect(parseExpiry("2027-01-31", now)).toBe("2027-01-31T00:00:00.000Z");
    expect(parseExpiry("12h", now)).toBe("2026-01-01T12:00:00.000Z");
    expect(parseExpiry("2028-02-29", now)).toBe("2028-02-29T00:00:00.000Z");
    expect(parseExpiry("2027-01-31T18:30Z", now)).toBe("2027-01-31T18:30:00.000Z");
    expect(parseExpiry("2027-01-31T18:30:15.5+02:00", now)).toBe("2027-01-31T16:30:15.500Z");
    expect(parseExpiry(undefined, now)).toBeUndefined();
  });

  test("help names every --expires form parseExpiry takes, and what exit code 5 covers", () => {
    // The help is what an operator reads at the terminal: a form it leaves out is one they never try.
    expect(USAGE).toContain("[--expires <date>|<n>d|<n>h]");
    expect(USAGE).toMatch(/5 no database reachable\s+or bad configuration/);
  });

  test("help and docs say how to get --json output alone on stdout", () => {
    // `npm run tenants -- list --json | jq` fails: npm prints "> scim-entra-functions@... tenants"
    // and the script's command line on stdout first, unless run with --silent.
    expect(USAGE).toContain("npm run --silent tenants -- <command> --json");
    const docs = readFileSync(path.resolve(__dirname, "../../../docs/tenants.md"), "utf8");
    expect(docs.replace(/\s+/g, " ")).toContain("`npm run --silent tenants -- <command> --json`");
  });

  test("tables pad columns to the widest cell", () => {
    expect(
      table(
        [
          { a: "x", b: 1 },
          { a: "long", b: 22 },
        ],
        [
          ["a", "A"],
          ["b", "BEE"],
        ],
      ),
    ).toBe(["A     BEE", "x     1", "long  22"].join("\n"));
    expect(table([], [["a", "A"]])).toBe("(none)");
  });
});
