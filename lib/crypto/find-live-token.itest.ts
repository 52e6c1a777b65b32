import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, tokens, users } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { createToken } from "@/lib/server/tokens/create-token";
import { createTestStore } from "@/tests/test-database";
import { findHolderGroups, findLiveToken } from "./find-live-token";

let db: Db;
const secretKey = randomBytes(32);

beforeAll(async () => {
  db = createDb(await createTestStore(), { max: 2 });
  await db.insert(connections).values({
    id: randomUUID(),
    name: "orders",
    host: "127.0.0.1",
    port: 5432,
    database: "orders",
    username: "app",
    passwordCiphertext: "unused",
    sslmode: "disable",
    allowedGroups: ["developer"],
    createdBy: "test",
  });
  await db.insert(users).values({ email: "dev@example.com", groups: ["developer"] });
});
afterAll(() => db.$client.end());

const mint = async (userName = "dev@example.com", groups?: string[]) => createToken(db, secretKey, "test", { userName, connectionName: "orders", actorKind: "agent", agentName: "claude-code", groups });

describe("findLiveToken", () => {
  it("finds a live token with its connection's name", async () => {
    const { token, tokenInfo } = await mint();
    const found = await findLiveToken(db, secretKey, token);
    expect(found).toMatchObject({ isLive: true, token: { id: tokenInfo.id, userName: "dev@example.com", actorKind: "agent", agentName: "claude-code", connectionName: "orders" } });
  });

  it("refuses an unknown, a revoked and an expired token, and a text that is no token, saying which", async () => {
    expect(await findLiveToken(db, secretKey, `wdn_${randomBytes(32).toString("base64url")}`)).toEqual({ isLive: false, code: "unknown", reason: "the Warden token is not known" });
    expect(await findLiveToken(db, secretKey, "hunter2")).toEqual({ isLive: false, code: "not_a_token", reason: "the password is not a Warden token" });
    const revoked = await mint();
    await db.update(tokens).set({ revokedAt: new Date() }).where(eq(tokens.id, revoked.tokenInfo.id));
    expect(await findLiveToken(db, secretKey, revoked.token)).toEqual({ isLive: false, code: "revoked", reason: "the Warden token was revoked" });
    const expired = await mint();
    const at = new Date(Date.now() - 1000);
    await db.update(tokens).set({ expiresAt: at }).where(eq(tokens.id, expired.tokenInfo.id));
    expect(await findLiveToken(db, secretKey, expired.token)).toEqual({ isLive: false, code: "expired", reason: `the Warden token expired at ${at.toISOString()}` });
  });

  it("needs the installation's key: the same token under another key is unknown", async () => {
    const { token } = await mint();
    expect((await findLiveToken(db, randomBytes(32), token)).isLive).toBe(false);
  });
});

describe("findHolderGroups", () => {
  it("takes a signed-in user's groups from their row, a service account's from the token", async () => {
    await db.update(users).set({ groups: ["developer", "oncall"] }).where(eq(users.email, "dev@example.com"));
    const person = await mint();
    const found = await findLiveToken(db, secretKey, person.token);
    expect(await findHolderGroups(db, found.isLive ? found.token : { userName: "", groups: [] })).toEqual(["developer", "oncall"]);
    expect(await findHolderGroups(db, { userName: "etl-bot", groups: ["developer"] })).toEqual(["developer"]);
  });
});
