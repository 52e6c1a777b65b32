import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, sessions, tokens, trustedIssuers, users } from "@/drizzle/schema";
import { encryptCredential } from "@/lib/crypto/credentials";
import { generateToken } from "@/lib/crypto/tokens";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { obtainIdToken } from "@/lib/dev-oidc/obtain-id-token";
import { startDevOidcProvider, type DevOidcProvider } from "@/lib/dev-oidc/start-dev-oidc-provider";
import { revokeToken } from "@/lib/server/tokens/revoke-token";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";

describe("gateway: sign-in", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture({ credentialCheckMs: 200, throttle: { baseDelayMs: 20, maxDelayMs: 100 } });
  });
  afterAll(() => fx?.close());

  const refusal = (o: Partial<pg.ClientConfig>) => fx.connect(o).then(
    (c) => {
      void c.end();
      throw new Error("the sign-in was accepted");
    },
    (err: { code?: string; severity?: string; message: string; hint?: string; detail?: string }) => err,
  );

  /** Every refusal reads the same: PostgreSQL's wrong-password FATAL, naming the user the client sent, nothing more. */
  const refusedAs = (user: string) => ({ code: "28P01", severity: "FATAL", message: `password authentication failed for user "${user}"`, hint: undefined, detail: undefined });

  it("refuses unknown, malformed, expired and revoked tokens alike: 28P01 and nothing that says why", async () => {
    expect(await refusal({ password: generateToken() })).toMatchObject(refusedAs(fx.email));
    expect(await refusal({ password: "hunter2" })).toMatchObject(refusedAs(fx.email));
    const expired = await fx.mintToken();
    await fx.db.update(tokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(tokens.userName, fx.email));
    expect(await refusal({ password: expired })).toMatchObject(refusedAs(fx.email));
    await fx.db.update(tokens).set({ expiresAt: new Date(Date.now() + 3_600_000) }).where(eq(tokens.userName, fx.email));
    const revoked = await fx.mintToken();
    const [last] = (await fx.db.select().from(tokens)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    await revokeToken(fx.db, "test", last.id);
    expect(await refusal({ password: revoked })).toMatchObject(refusedAs(fx.email));
  });

  it("refuses a token given with another user name, and a valid token on an unknown database, alike", async () => {
    expect(await refusal({ user: "mallory@example.com" })).toMatchObject(refusedAs("mallory@example.com"));
    expect(await refusal({ database: "no_such_connection" })).toMatchObject(refusedAs(fx.email));
  });

  it("refuses a token scoped to another connection, and a user whose groups are not allowed, alike", async () => {
    const id = randomUUID();
    await fx.db.insert(connections).values({ id, name: "billing", host: "127.0.0.1", port: 1, database: "x", username: "x", passwordCiphertext: encryptCredential(fx.secretKey, "x", id), allowedGroups: ["developer"], createdBy: "test" });
    const billingToken = await fx.mintToken({ connectionName: "billing" });
    expect(await refusal({ password: billingToken })).toMatchObject(refusedAs(fx.email));
    await fx.db.update(users).set({ groups: ["auditor"] }).where(eq(users.email, fx.email));
    try {
      expect(await refusal({})).toMatchObject(refusedAs(fx.email));
    } finally {
      await fx.db.update(users).set({ groups: ["developer"] }).where(eq(users.email, fx.email));
    }
    const ok = await fx.connect();
    expect((await ok.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await ok.end();
  });

  it("audits failed sign-ins with their reasons, summed per address and minute", async () => {
    for (let i = 0; i < 3; i++) await refusal({ password: generateToken() });
    // The digest writes a minute's event once the minute has closed, and whatever is left at shutdown.
    await fx.restartGateway();
    const audited = await eventually(async () => {
      const rows = await fx.db.select().from(auditEvents).where(eq(auditEvents.action, "gateway.sign_in.failed"));
      return rows.length > 0 ? rows : undefined;
    });
    const details = audited.map((r) => r.details as { clientAddress: string; count: number; reasons: Record<string, number> });
    expect(details.every((d) => d.clientAddress === "127.0.0.1")).toBe(true);
    const sum = (reason: string) => details.reduce((n, d) => n + (d.reasons[reason] ?? 0), 0);
    expect(sum("token_unknown")).toBeGreaterThanOrEqual(4);
    expect(sum("token_other_user")).toBe(1);
    expect(sum("database_unknown")).toBe(1);
    expect(sum("token_other_connection")).toBe(1);
    expect(sum("not_allowed")).toBe(1);
    expect(sum("token_revoked")).toBe(1);
    expect(sum("token_expired")).toBe(1);
    expect(sum("not_a_credential")).toBe(1);
  });

  it("ends a live session within moments of its token being revoked", async () => {
    const token = await fx.mintToken({ agentName: "revoke-me", actorKind: "agent" });
    const c = await fx.connect({ password: token, application_name: "to-revoke" });
    const ended = new Promise<{ code?: string; message: string }>((resolve) => c.on("error", resolve));
    expect((await c.query("select 1 as alive")).rows).toEqual([{ alive: 1 }]);
    const [t] = await fx.db.select().from(tokens).where(eq(tokens.agentName, "revoke-me"));
    await revokeToken(fx.db, "admin@example.com", t.id);
    await expect(ended).resolves.toMatchObject({ code: "57P01", message: "terminating connection because its Warden token was revoked" });
    const [s] = await eventually(async () => {
      const rows = await fx.db.select().from(sessions).where(and(eq(sessions.applicationName, "to-revoke")));
      return rows[0]?.endedAt ? rows : undefined;
    });
    expect(s).toMatchObject({ endReason: "token_revoked", actorKind: "agent", agentName: "revoke-me" });
  });
});

describe("gateway: sign-in with JWTs from a trusted issuer", () => {
  let fx: GatewayFixture;
  let idp: DevOidcProvider;
  let dir: string;
  const clientId = "warden-console";
  const clientSecret = "test-secret";
  const password = "demo-password";
  const redirectUri = "http://localhost:3999/cb";
  const idToken = (email: string) => obtainIdToken({ issuer: idp.issuer, clientId, clientSecret, redirectUri, email, password });

  beforeAll(async () => {
    fx = await startGatewayFixture({ throttle: { baseDelayMs: 10, maxDelayMs: 50 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-idp-"));
    idp = await startDevOidcProvider({ port: await findFreePort(), clientId, clientSecret, redirectUris: [redirectUri], password, jwksFile: path.join(dir, "jwks.json") });
    await fx.db.insert(trustedIssuers).values({ issuer: idp.issuer, audience: clientId, createdBy: "test" });
  });
  afterAll(async () => {
    await fx?.close();
    await idp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("signs a person in with an ID token: user and groups from its claims", async () => {
    const c = await fx.connect({ password: await idToken("dev@example.com"), application_name: "jwt-dev" });
    expect((await c.query("select current_user = $1 as ok", [fx.targetRole])).rows).toEqual([{ ok: true }]);
    await c.end();
    const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "jwt-dev"));
    expect(s).toMatchObject({ authMethod: "jwt", userName: "dev@example.com", groups: ["developer"], actorKind: "human", tokenId: null, tokenMintedBy: null });
  });

  const refusedAs = (user: string) => ({ code: "28P01", severity: "FATAL", message: `password authentication failed for user "${user}"`, hint: undefined, detail: undefined });

  it("refuses a JWT for another user and a user whose groups are not allowed, as it refuses a wrong password", async () => {
    const err = await fx.connect({ user: "admin@example.com", password: await idToken("dev@example.com") }).catch((e) => e);
    expect(err).toMatchObject(refusedAs("admin@example.com"));
    const reviewer = await fx.connect({ user: "reviewer@example.com", password: await idToken("reviewer@example.com") }).catch((e) => e);
    expect(reviewer).toMatchObject(refusedAs("reviewer@example.com"));
    const logged = fx.logs.filter((l) => l.msg === "sign-in refused").map((l) => l.reason);
    expect(logged).toEqual(expect.arrayContaining(["jwt_other_user", "not_allowed"]));
  });

  it("refuses a JWT whose audience or issuer is not trusted, and a tampered one", async () => {
    const token = await idToken("dev@example.com");
    const [parts0, parts1, parts2] = token.split(".");
    const tampered = `${parts0}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts1, "base64url").toString()), groups: ["admin"] })).toString("base64url")}.${parts2}`;
    expect(await fx.connect({ password: tampered }).catch((e) => e)).toMatchObject(refusedAs(fx.email));
    await fx.db.update(trustedIssuers).set({ audience: "some-other-client" }).where(eq(trustedIssuers.issuer, idp.issuer));
    expect(await fx.connect({ password: token }).catch((e) => e)).toMatchObject(refusedAs(fx.email));
    await fx.db.delete(trustedIssuers).where(eq(trustedIssuers.issuer, idp.issuer));
    expect(await fx.connect({ password: token }).catch((e) => e)).toMatchObject(refusedAs(fx.email));
    expect(await fx.connect({ password: "eyJhbGciOiJub25lIn0.bm90IGpzb24.x" }).catch((e) => e)).toMatchObject(refusedAs(fx.email));
    // Why, in the log (and, summed, in the audit trail): never on the wire.
    const details = fx.logs.filter((l) => l.msg === "sign-in refused").map((l) => String(l.detail));
    expect(details).toEqual(expect.arrayContaining([expect.stringMatching(/signature does not verify/), expect.stringMatching(/"aud" claim/), expect.stringMatching(/are not trusted/), expect.stringMatching(/cannot be decoded/)]));
  });
});
