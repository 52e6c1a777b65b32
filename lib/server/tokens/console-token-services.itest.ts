import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, tokens, users } from "@/drizzle/schema";
import { hashToken } from "@/lib/crypto/tokens";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { listUsableConnections } from "./list-usable-connections";
import { mintToken } from "./mint-token";
import { revokeTokenAs } from "./revoke-token-as";

const dev = { email: "dev@example.com", roles: ["developer" as const] };
const auditor = { email: "auditor@example.com", roles: ["auditor" as const] };
const admin = { email: "admin@example.com", roles: ["admin" as const] };

describe("console token services (real PostgreSQL)", () => {
  let db: Db;
  const config = { WARDEN_SECRET_KEY: randomBytes(32), PUBLIC_URL: "https://warden.example.com:8443", GATEWAY_PORT: 6543 };

  beforeAll(async () => {
    db = createDb(await createTestStore(), { max: 2 });
    await db.insert(connections).values([
      { name: "orders", host: "db", database: "orders", username: "app", allowedGroups: ["developer", "admin"], description: "Orders", createdBy: "test" },
      { name: "billing", host: "db", database: "billing", username: "app", allowedGroups: ["finance"], createdBy: "test" },
    ]);
    await db.insert(users).values([
      { email: dev.email, groups: ["developer"] },
      { email: auditor.email, groups: ["auditor"] },
      { email: admin.email, groups: ["admin"] },
    ]);
  });
  afterAll(() => db.$client.end());

  it("offers each person the connections their groups allow, without target details", async () => {
    expect(await listUsableConnections(db, "DEV@example.com")).toEqual([{ id: expect.any(String), name: "orders", description: "Orders" }]);
    expect(await listUsableConnections(db, auditor.email)).toEqual([]);
    expect(await listUsableConnections(db, "nobody@example.com")).toEqual([]);
  });

  it("mints a token for oneself with a ready psql URI and agent environment, stores only its hash, and audits it", async () => {
    const created = await mintToken(db, config, dev, { connectionName: "orders", expiresIn: "1h", actorKind: "agent", agentName: "claude-code" });
    expect(created.token).toMatch(/^wdn_/);
    expect(created.instructions.psqlCommand).toBe(`psql "postgresql://dev%40example.com:${created.token}@warden.example.com:6543/orders?sslmode=require"`);
    expect(created.instructions.env).toEqual({
      PGHOST: "warden.example.com",
      PGPORT: "6543",
      PGDATABASE: "orders",
      PGUSER: "dev@example.com",
      PGPASSWORD: created.token,
      PGSSLMODE: "require",
      DATABASE_URL: created.instructions.uri,
    });
    expect(created.tokenInfo).toMatchObject({ userName: dev.email, actorKind: "agent", agentName: "claude-code", status: "active", createdBy: dev.email });
    expect(JSON.stringify(created.tokenInfo)).not.toContain(created.token);
    const expiresIn = Date.parse(created.tokenInfo.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_590_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);

    const [row] = await db.select().from(tokens).where(eq(tokens.id, created.tokenInfo.id));
    expect(row.tokenHash).toBe(hashToken(config.WARDEN_SECRET_KEY, created.token));
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.targetId, row.id));
    expect(event).toMatchObject({ action: "token.create", actor: dev.email });
    expect(JSON.stringify(event)).not.toContain(created.token);
  });

  it("keeps non-admins to their own human or agent tokens on connections their groups allow", async () => {
    await expect(mintToken(db, config, dev, { connectionName: "orders", expiresIn: "1h", userName: admin.email })).rejects.toMatchObject({ status: 403 });
    await expect(mintToken(db, config, dev, { connectionName: "orders", expiresIn: "1h", actorKind: "service", agentName: "x" })).rejects.toMatchObject({ status: 403 });
    await expect(mintToken(db, config, dev, { connectionName: "orders", expiresIn: "1h", groups: ["admin"] })).rejects.toMatchObject({ status: 403 });
    await expect(mintToken(db, config, dev, { connectionName: "billing", expiresIn: "1h" })).rejects.toMatchObject({ status: 422 });
    await expect(mintToken(db, config, dev, { connectionName: "orders", expiresIn: "1h", actorKind: "agent" })).rejects.toThrow(/Name the agent/);
  });

  it("lets admins mint for a service account with explicit groups", async () => {
    const created = await mintToken(db, config, admin, { connectionName: "billing", expiresIn: "7d", userName: "etl-bot", actorKind: "service", agentName: "nightly-etl", groups: ["finance"] });
    expect(created.tokenInfo).toMatchObject({ userName: "etl-bot", actorKind: "service", agentName: "nightly-etl", groups: ["finance"], createdBy: admin.email });
  });

  it("lets the holder or an admin revoke a token, and nobody else", async () => {
    const mine = await mintToken(db, config, dev, { connectionName: "orders", expiresIn: "8h" });
    await expect(revokeTokenAs(db, auditor, mine.tokenInfo.id)).rejects.toMatchObject({ status: 403 });
    await expect(revokeTokenAs(db, dev, "not-a-uuid")).rejects.toMatchObject({ status: 404 });
    expect(await revokeTokenAs(db, dev, mine.tokenInfo.id)).toMatchObject({ status: "revoked", revokedBy: dev.email });
    const other = await mintToken(db, config, dev, { connectionName: "orders", expiresIn: "8h" });
    expect(await revokeTokenAs(db, admin, other.tokenInfo.id)).toMatchObject({ status: "revoked", revokedBy: admin.email });
  });
});
