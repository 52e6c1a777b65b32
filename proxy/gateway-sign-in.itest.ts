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

  it("refuses unknown, malformed, expired and revoked tokens with 28P01 and a message that says why", async () => {
    expect(await refusal({ password: generateToken() })).toMatchObject({ code: "28P01", severity: "FATAL", message: expect.stringMatching(/token is not known/) });
    expect(await refusal({ password: "hunter2" })).toMatchObject({ code: "28P01", message: expect.stringMatching(/neither a Warden token nor a JWT/), hint: expect.stringMatching(/warden token create/) });
    const expired = await fx.mintToken();
    await fx.db.update(tokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(tokens.userName, fx.email));
    expect(await refusal({ password: expired })).toMatchObject({ code: "28P01", message: expect.stringMatching(/token expired at/) });
    await fx.db.update(tokens).set({ expiresAt: new Date(Date.now() + 3_600_000) }).where(eq(tokens.userName, fx.email));
    const revoked = await fx.mintToken();
    const [last] = (await fx.db.select().from(tokens)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    await revokeToken(fx.db, "test", last.id);
    expect(await refusal({ password: revoked })).toMatchObject({ code: "28P01", message: expect.stringMatching(/token was revoked/) });
  });

  it("refuses a token given with another user name (28P01) and an unknown database (3D000)", async () => {
    expect(await refusal({ user: "mallory@example.com" })).toMatchObject({ code: "28P01", message: expect.stringMatching(/issued to another user/) });
    expect(await refusal({ database: "no_such_connection" })).toMatchObject({ code: "3D000", message: 'database "no_such_connection" does not exist' });
  });

  it("refuses a token scoped to another connection, and a user whose groups are not allowed (28000)", async () => {
    const id = randomUUID();
    await fx.db.insert(connections).values({ id, name: "billing", host: "127.0.0.1", port: 1, database: "x", username: "x", passwordCiphertext: encryptCredential(fx.secretKey, "x", id), allowedGroups: ["developer"], createdBy: "test" });
    const billingToken = await fx.mintToken({ connectionName: "billing" });
    expect(await refusal({ password: billingToken })).toMatchObject({ code: "28000", message: 'the Warden token is not valid for connection "orders"' });
    await fx.db.update(users).set({ groups: ["auditor"] }).where(eq(users.email, fx.email));
    try {
      expect(await refusal({})).toMatchObject({ code: "28000", message: `user "${fx.email}" is not allowed on connection "orders"`, detail: expect.stringMatching(/Allowed groups: developer, admin/) });
    } finally {
      await fx.db.update(users).set({ groups: ["developer"] }).where(eq(users.email, fx.email));
    }
    const ok = await fx.connect();
    expect((await ok.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await ok.end();
  });

  it("slows down repeated failures from one address and audits each failed sign-in", async () => {
    const before = fx.logs.filter((l) => l.msg === "repeated sign-in failures from this address: answer delayed").length;
    for (let i = 0; i < 3; i++) await refusal({ password: generateToken() });
    const delayed = fx.logs.filter((l) => l.msg === "repeated sign-in failures from this address: answer delayed");
    expect(delayed.length).toBeGreaterThanOrEqual(before + 2);
    expect(Number(delayed[delayed.length - 1].failures)).toBeGreaterThan(2);
    const audited = await eventually(async () => {
      const rows = await fx.db.select().from(auditEvents).where(eq(auditEvents.action, "gateway.sign_in.failed"));
      return rows.length >= 3 ? rows : undefined;
    });
    expect(audited[0]).toMatchObject({ targetType: "connection", details: expect.objectContaining({ clientAddress: "127.0.0.1" }) });
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

  it("refuses a JWT for another user (28P01) and a user whose groups are not allowed (28000)", async () => {
    const err = await fx.connect({ user: "admin@example.com", password: await idToken("dev@example.com") }).catch((e) => e);
    expect(err).toMatchObject({ code: "28P01", message: expect.stringMatching(/the JWT is for "dev@example.com"/) });
    const reviewer = await fx.connect({ user: "reviewer@example.com", password: await idToken("reviewer@example.com") }).catch((e) => e);
    expect(reviewer).toMatchObject({ code: "28000", message: 'user "reviewer@example.com" is not allowed on connection "orders"' });
  });

  it("refuses a JWT whose audience or issuer is not trusted, and a tampered one", async () => {
    const token = await idToken("dev@example.com");
    const [parts0, parts1, parts2] = token.split(".");
    const tampered = `${parts0}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts1, "base64url").toString()), groups: ["admin"] })).toString("base64url")}.${parts2}`;
    expect(await fx.connect({ password: tampered }).catch((e) => e)).toMatchObject({ code: "28P01", message: expect.stringMatching(/signature does not verify/) });
    await fx.db.update(trustedIssuers).set({ audience: "some-other-client" }).where(eq(trustedIssuers.issuer, idp.issuer));
    expect(await fx.connect({ password: token }).catch((e) => e)).toMatchObject({ code: "28P01", message: expect.stringMatching(/"aud" claim/) });
    await fx.db.delete(trustedIssuers).where(eq(trustedIssuers.issuer, idp.issuer));
    expect(await fx.connect({ password: token }).catch((e) => e)).toMatchObject({ code: "28P01", message: expect.stringMatching(/are not trusted/) });
  });
});
