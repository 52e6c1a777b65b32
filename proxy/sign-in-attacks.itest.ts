import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { count, eq } from "drizzle-orm";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, tokens, users } from "@/drizzle/schema";
import { encryptCredential } from "@/lib/crypto/credentials";
import { generateToken } from "@/lib/crypto/tokens";
import { revokeToken } from "@/lib/server/tokens/revoke-token";
import { authenticationFailed } from "./auth/sign-in-failure";
import { errorResponse } from "./protocol/backend-messages";
import { ProtocolVersion } from "./protocol/message-codes";
import { startupMessage } from "./protocol/frontend-serializers";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { RawClient } from "./testing/raw-client";
import { floodSignIns } from "./testing/sign-in-flood";

/**
 * Sign-in attacked the way a hostile client would: probing which tokens and databases exist,
 * guessing tokens in parallel, flooding the audit trail, and sending a password without TLS.
 */

type FailureEvent = { clientAddress: string; count: number; reasons: Record<string, number>; userNames: string[] };

/** The failed sign-ins the audit trail holds, summed per reason (the gateway writes the digest at shutdown). */
async function auditedFailures(fx: GatewayFixture) {
  const rows = await fx.db.select().from(auditEvents).where(eq(auditEvents.action, "gateway.sign_in.failed"));
  const events = rows.map((r) => r.details as FailureEvent);
  const reasons: Record<string, number> = {};
  for (const e of events) for (const [reason, n] of Object.entries(e.reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
  return { rows, events, reasons, total: events.reduce((n, e) => n + e.count, 0) };
}

const auditRowCount = async (fx: GatewayFixture) => (await fx.db.select({ n: count() }).from(auditEvents))[0].n;

/** Starts a sign-in, sends `password`, and returns every message the gateway sent after it, with the time it took. */
async function answerTo(fx: GatewayFixture, user: string, database: string, password: string) {
  const c = await RawClient.connect(fx.gateway.port);
  c.send(startupMessage(ProtocolVersion.V3_0, { user, database }));
  await c.until((m) => m.type === "R" || m.type === "E");
  const sentAt = process.hrtime.bigint();
  c.send(serialize.password(password));
  const messages = await c.until(() => false, 15_000);
  return { messages, ms: Number(process.hrtime.bigint() - sentAt) / 1e6, isClosed: c.isClosed };
}

describe("sign-in attacks: what a refusal tells the client", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    // A generous budget here: this block probes one failure of each kind, not the throttle.
    fx = await startGatewayFixture({ throttle: { freeAttempts: 1000 } });
  });
  afterAll(() => fx?.close());

  it("answers every kind of refused credential with the same bytes: 28P01, the user's name, nothing else", async () => {
    const other = randomUUID();
    await fx.db.insert(connections).values({ id: other, name: "billing", host: "127.0.0.1", port: 1, database: "x", username: "x", passwordCiphertext: encryptCredential(fx.secretKey, "x", other), allowedGroups: ["developer"], createdBy: "test" });
    await fx.db.insert(users).values({ email: "carol@example.com", groups: ["developer"] });
    const carolsToken = await fx.mintToken({ userName: "carol@example.com" });
    const billingToken = await fx.mintToken({ connectionName: "billing" });
    const revoked = await fx.mintToken({ agentName: "to-revoke" });
    const [revokedRow] = await fx.db.select().from(tokens).where(eq(tokens.agentName, "to-revoke"));
    await revokeToken(fx.db, "test", revokedRow.id);
    const expired = await fx.mintToken({ agentName: "to-expire" });
    await fx.db.update(tokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(tokens.agentName, "to-expire"));

    const probes: [string, { database?: string; password: string; groups?: string[] }][] = [
      ["unknown token", { password: generateToken() }],
      ["revoked token", { password: revoked }],
      ["expired token", { password: expired }],
      ["another user's token", { password: carolsToken }],
      ["token for another connection", { password: billingToken }],
      ["valid token, unknown database", { database: "no_such_connection", password: fx.token }],
      ["valid token, user not allowed", { password: fx.token, groups: ["auditor"] }],
      ["malformed JWT", { password: "eyJhbGciOiJub25lIn0.bm90IGpzb24.x" }],
      ["JWT from an untrusted issuer", { password: jwtFrom("https://evil.example.com") }],
      ["neither a token nor a JWT", { password: "hunter2" }],
    ];
    const expected = errorResponse({ severity: "FATAL", sqlState: "28P01", message: `password authentication failed for user "${fx.email}"` });
    expect(expected.equals(errorFrame(authenticationFailed(fx.email)))).toBe(true);
    const timings: Record<string, number> = {};
    for (const [kind, probe] of probes) {
      if (probe.groups) await fx.db.update(users).set({ groups: probe.groups }).where(eq(users.email, fx.email));
      try {
        const answer = await answerTo(fx, fx.email, probe.database ?? fx.connectionName, probe.password);
        expect({ kind, types: answer.messages.map((m) => m.type), isClosed: answer.isClosed }).toEqual({ kind, types: ["E"], isClosed: true });
        expect({ kind, frame: answer.messages[0].frame.toString("hex") }).toEqual({ kind, frame: expected.toString("hex") });
        timings[kind] = Math.round(answer.ms);
      } finally {
        if (probe.groups) await fx.db.update(users).set({ groups: ["developer"] }).where(eq(users.email, fx.email));
      }
    }
    // Figures, not assertions: every refusal is answered after the same floor (200 ms from the password).
    console.log(`[sign-in attacks] refusal answered after (ms): ${JSON.stringify(timings)}`);
    // Why each was refused reaches the audit trail (summed per address and minute), not the client.
    await fx.restartGateway();
    const { reasons } = await eventually(async () => {
      const audited = await auditedFailures(fx);
      return audited.total >= probes.length ? audited : undefined;
    });
    expect(reasons).toEqual({
      token_unknown: 1,
      token_revoked: 1,
      token_expired: 1,
      token_other_user: 1,
      token_other_connection: 1,
      database_unknown: 1,
      not_allowed: 1,
      jwt_malformed: 1,
      jwt_untrusted_issuer: 1,
      not_a_credential: 1,
    });
    // The same valid token on the right database still signs in.
    const ok = await fx.connect();
    await ok.end();
  });
});

describe("sign-in attacks: guessing tokens from one address", () => {
  let fx: GatewayFixture;
  // The product's throttle, with a shorter longest wait in line so the test ends sooner.
  const throttle = { freeAttempts: 5, baseDelayMs: 250, maxDelayMs: 10_000, maxWaitMs: 3000 };
  beforeAll(async () => {
    fx = await startGatewayFixture({ throttle });
  });
  afterAll(() => fx?.close());
  afterEach(async () => {
    // A fresh gateway (and throttle) per attack; its digest reaches the audit trail as it stops.
    await fx.restartGateway();
    await fx.db.delete(auditEvents).where(eq(auditEvents.action, "gateway.sign_in.failed"));
  });

  const wrong = () => ({ user: fx.email, database: fx.connectionName, password: generateToken() });

  it("checks only the budget of 100 parallel guesses; the rest are refused before their token is looked up", async () => {
    const result = await floodSignIns({ port: fx.gateway.port, concurrency: 100, durationMs: 60_000, maxAttempts: 100, attempt: wrong });
    expect(result).toMatchObject({ attempts: 100, signedIn: 0, refusals: { "28P01": 100 } });
    await fx.restartGateway();
    const { reasons, total } = await auditedFailures(fx);
    expect(total).toBe(100);
    // 5 at once, then one at a time, 250, 500, 1000, 2000 ms apart: about 9 within the 3 s wait.
    expect(reasons.token_unknown).toBeLessThanOrEqual(12);
    expect(reasons.throttled).toBe(100 - reasons.token_unknown);
  });

  it("does not reset an address's failures when one of its sign-ins succeeds", async () => {
    for (let i = 0; i < 5; i++) expect((await floodSignIns({ port: fx.gateway.port, concurrency: 1, durationMs: 10_000, maxAttempts: 1, attempt: wrong })).refusals["28P01"]).toBe(1);
    const ok = await fx.connect();
    await ok.end();
    // Before, a success cleared the address, and the next burst was checked in full.
    const burst = await floodSignIns({ port: fx.gateway.port, concurrency: 20, durationMs: 60_000, maxAttempts: 20, attempt: wrong });
    expect(burst.refusals["28P01"]).toBe(20);
    await fx.restartGateway();
    const { reasons } = await auditedFailures(fx);
    expect(reasons.token_unknown - 5).toBeLessThanOrEqual(4);
    expect(reasons.throttled).toBeGreaterThanOrEqual(16);
  });

  it("keeps a flood of 500 failures to a bounded number of audit rows that hold the total", async () => {
    const before = await auditRowCount(fx);
    const result = await floodSignIns({ port: fx.gateway.port, concurrency: 50, durationMs: 120_000, maxAttempts: 500, attempt: (i) => ({ ...wrong(), user: `guess${i}@example.com` }) });
    expect(result.refusals["28P01"]).toBe(500);
    await fx.restartGateway();
    const grown = (await auditRowCount(fx)) - before;
    // One event per address and minute: a flood inside one or two minutes is one or two rows.
    expect(grown).toBeGreaterThanOrEqual(1);
    expect(grown).toBeLessThanOrEqual(2);
    const { events, total } = await auditedFailures(fx);
    expect(total).toBe(500);
    expect(events[0]).toMatchObject({ clientAddress: "127.0.0.1" });
    // The user names tried are listed up to a cap, the rest counted.
    expect(events[0].userNames.length).toBeLessThanOrEqual(20);
  });
});

describe("sign-in attacks: the figures, with the product's throttle", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(() => fx?.close());

  const wrong = () => ({ user: fx.email, database: fx.connectionName, password: generateToken() });

  it("lets a pool open 100 connections at once from one address: each success gives its place back", async () => {
    const pool = await floodSignIns({ port: fx.gateway.port, concurrency: 100, durationMs: 60_000, maxAttempts: 100, attempt: () => ({ user: fx.email, database: fx.connectionName, password: fx.token }) });
    expect(pool).toMatchObject({ attempts: 100, signedIn: 100, refusals: {} });
  });

  it("measures the guesses per second 100 parallel attackers get checked (figures, printed)", async () => {
    for (const isMixed of [false, true]) {
      const result = await floodSignIns({
        port: fx.gateway.port,
        concurrency: 100,
        durationMs: 10_000,
        // The mix: every tenth attempt carries the valid token.
        attempt: (i) => (isMixed && i % 10 === 9 ? { ...wrong(), password: fx.token } : wrong()),
      });
      await fx.restartGateway();
      const { reasons } = await auditedFailures(fx);
      await fx.db.delete(auditEvents).where(eq(auditEvents.action, "gateway.sign_in.failed"));
      const checked = (reasons.token_unknown ?? 0) + result.signedIn;
      console.log(
        `[sign-in attacks] ${isMixed ? "mixed (1 in 10 valid)" : "wrong tokens only"}: ${result.attempts} attempts in ${result.elapsedMs} ms, ` +
          `${reasons.token_unknown ?? 0} wrong tokens checked, ${reasons.throttled ?? 0} refused unchecked, ${result.signedIn} signed in: ` +
          `${(checked / (result.elapsedMs / 1000)).toFixed(2)} guesses checked per second`,
      );
      expect(reasons.throttled).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe("sign-in attacks: passwords without TLS", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    // The product's default: no GATEWAY_ALLOW_PLAINTEXT_PASSWORDS.
    fx = await startGatewayFixture({}, { plaintextPasswords: "never", tls: true });
  });
  afterAll(() => fx?.close());

  it("refuses a password from this very host without TLS, as from any other, and takes it over TLS", async () => {
    const err = await fx.connect({ ssl: false }).then(
      async (c) => {
        await c.end();
        return null;
      },
      (e: { code?: string; severity?: string; message: string; hint?: string }) => e,
    );
    expect(err).toMatchObject({ code: "28000", severity: "FATAL", message: "the Warden gateway accepts passwords only over TLS", hint: "Connect with sslmode=require." });
    const ca = fs.readFileSync(fx.gateway.tlsCertPath!, "utf8");
    const c = await fx.connect({ ssl: { ca, servername: "localhost" } });
    expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await c.end();
    // The refusal came before any password was asked for: nothing was checked or counted.
    await fx.restartGateway();
    expect((await auditedFailures(fx)).total).toBe(0);
  });

  it("lets a client on this host send its password in the clear only with GATEWAY_ALLOW_PLAINTEXT_PASSWORDS=loopback", async () => {
    const loose = await startGatewayFixture({}, { plaintextPasswords: "loopback" });
    try {
      const c = await loose.connect({ ssl: false });
      expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
      await c.end();
    } finally {
      await loose.close();
    }
  });
});

function errorFrame(e: { severity: "ERROR" | "FATAL"; sqlState: string; message: string; extra: object }) {
  return errorResponse({ severity: e.severity, sqlState: e.sqlState, message: e.message, ...e.extra });
}

/** An unsigned JWT naming `iss`: well formed, from an issuer the gateway does not trust. */
function jwtFrom(iss: string) {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ iss, sub: "dev@example.com", exp: Math.floor(Date.now() / 1000) + 600 })}.c2ln`;
}
