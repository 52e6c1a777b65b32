import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

const problemsOf = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration", () => {
  it("has working defaults for the embedded default", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ PORT: 3000, GATEWAY_PORT: 6432, GATEWAY_WORKERS: 1, GATEWAY_MAX_CONNECTIONS: 1000 });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.OIDC_ISSUER).toBeUndefined();
    expect(c.WARDEN_ROLE_GROUPS.admin).toEqual(["admin"]);
  });

  it("names each bad variable in a sentence", () => {
    expect(problemsOf({ PORT: "abc" })).toContain('PORT must be a port number from 1 to 65535 (got "abc")');
    expect(problemsOf({ GATEWAY_PORT: "70000" })).toContain("GATEWAY_PORT must be a port number");
    expect(problemsOf({ DATABASE_URL: "mysql://x" })).toContain("DATABASE_URL must start with postgres://");
    expect(problemsOf({ DATABASE_URL: "postgres://u:secretpw@h/db" })).toContain("WARDEN_SECRET_KEY is required when DATABASE_URL is set");
    expect(problemsOf({ WARDEN_SECRET_KEY: "short" })).toContain("WARDEN_SECRET_KEY must be 32 random bytes");
    expect(problemsOf({ OIDC_ISSUER: "https://idp.example.com" })).toContain("OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too");
    expect(problemsOf({ GATEWAY_TLS_CERT: "/x.pem" })).toContain("GATEWAY_TLS_CERT and GATEWAY_TLS_KEY go together");
    expect(problemsOf({ WARDEN_ROLE_GROUPS: "boss=x" })).toContain("WARDEN_ROLE_GROUPS must look like");
    expect(problemsOf({ GATEWAY_WORKERS: "0" })).toContain('GATEWAY_WORKERS must be a whole number of worker processes from 1 to 64 (got "0")');
    expect(problemsOf({ GATEWAY_WORKERS: "two" })).toContain('GATEWAY_WORKERS must be a whole number of worker processes from 1 to 64 (got "two")');
    expect(parseConfig({ GATEWAY_WORKERS: "4" }).GATEWAY_WORKERS).toBe(4);
    for (const bad of ["0", "-5", "1.5", "lots", "1000001"]) {
      expect(problemsOf({ GATEWAY_MAX_CONNECTIONS: bad })).toContain(`GATEWAY_MAX_CONNECTIONS must be a whole number of client connections from 1 to 1000000 (got "${bad}")`);
    }
    expect(parseConfig({ GATEWAY_MAX_CONNECTIONS: "25" }).GATEWAY_MAX_CONNECTIONS).toBe(25);
  });

  it("stops on the result caps the gateway no longer reads: each connection's policy sets them", () => {
    expect(problemsOf({ GATEWAY_RESULT_ROWS: "500" })).toContain("GATEWAY_RESULT_ROWS is no longer read: each connection's policy sets it (recording.resultRowCap");
    expect(problemsOf({ GATEWAY_RESULT_BYTES: "1024" })).toContain("GATEWAY_RESULT_BYTES is no longer read: each connection's policy sets it (recording.resultByteCap");
    expect(parseConfig({ GATEWAY_RESULT_ROWS: "" }).GATEWAY_RESULT_ROWS).toBeUndefined();
  });

  it("refuses passwords without TLS unless GATEWAY_ALLOW_PLAINTEXT_PASSWORDS=loopback says so", () => {
    expect(parseConfig({}).GATEWAY_ALLOW_PLAINTEXT_PASSWORDS).toBe("never");
    expect(parseConfig({ GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback" }).GATEWAY_ALLOW_PLAINTEXT_PASSWORDS).toBe("loopback");
    for (const bad of ["yes", "all", "true"]) {
      expect(problemsOf({ GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: bad })).toContain(`GATEWAY_ALLOW_PLAINTEXT_PASSWORDS must be never or loopback (got "${bad}")`);
    }
  });

  it("never echoes a password from a URL", () => {
    expect(problemsOf({ DATABASE_URL: "mysql://u:secretpw@h/db" })).not.toContain("secretpw");
  });

  it("accepts production settings", () => {
    const c = parseConfig({
      DATABASE_URL: "postgres://w:p@db:5432/warden",
      WARDEN_SECRET_KEY: "a".repeat(64),
      OIDC_ISSUER: "https://idp.example.com/",
      OIDC_CLIENT_ID: "warden",
      OIDC_CLIENT_SECRET: "s",
      WARDEN_ROLE_GROUPS: "admin=platform;reviewer=dba,leads",
    });
    expect(c.OIDC_ISSUER).toBe("https://idp.example.com");
    expect(c.WARDEN_SECRET_KEY?.length).toBe(32);
    expect(c.WARDEN_ROLE_GROUPS.reviewer).toEqual(["dba", "leads"]);
  });
});
