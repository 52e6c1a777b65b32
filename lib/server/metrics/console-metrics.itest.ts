import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { approvalRequests, eventSinks, unchainedAuditEvents } from "@/drizzle/schema";
import { appendAuditEvents } from "@/lib/audit/append-event";
import { createDb, type Db } from "@/lib/db/create-db";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { serveRoute } from "@/lib/mcp-http/testing/serve-route";
import { parsePrometheusText, sampleValue, hasSample, type Exposition } from "@/proxy/metrics/testing/parse-prometheus-text";
import { createTestStore } from "@/tests/test-database";
import { createConsoleMetrics } from "./console-metrics";

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

function approval(status: "pending" | "approved" | "rejected" | "timed_out", createdAt: Date, decidedAt: Date | null) {
  return {
    connectionName: "orders",
    requester: "dev@example.com",
    actorKind: "agent" as const,
    protocol: "simple",
    sql: "delete from orders",
    classification: { kind: "write", flags: [], relations: [] },
    ruleId: "r",
    ruleName: "rule",
    reviewerGroups: ["reviewer"],
    status,
    createdAt,
    expiresAt: new Date(Date.now() + 3600_000),
    decidedAt,
  };
}

describe("console metrics: figures read from the store", () => {
  let db: Db;
  let storeUrl: string;
  beforeAll(async () => {
    storeUrl = await createTestStore();
    db = createDb(storeUrl, { max: 2 });
  });
  afterAll(async () => {
    await db?.$client.end();
  });

  it("reports pending approvals, their oldest age, decision quantiles, the chainer's backlog and each sink's lag and state", async () => {
    const metrics = createConsoleMetrics();
    const empty = parsePrometheusText(await metrics.render(db));
    expect(sampleValue(empty, "warden_store_up")).toBe(1);
    expect(sampleValue(empty, "warden_approvals_pending")).toBe(0);
    expect(hasSample(empty, "warden_approval_decision_seconds")).toBe(false);
    expect(hasSample(empty, "warden_console_process_cpu_user_seconds_total")).toBe(true);

    await db.insert(approvalRequests).values([
      approval("pending", minutesAgo(30), null),
      approval("pending", minutesAgo(5), null),
      // Decided in 60 s, 120 s and 300 s; the timed-out one and the one decided two days ago are not reviewers' decisions of the last day.
      approval("approved", minutesAgo(10), minutesAgo(9)),
      approval("rejected", minutesAgo(10), minutesAgo(8)),
      approval("approved", minutesAgo(20), minutesAgo(15)),
      approval("timed_out", minutesAgo(100), minutesAgo(40)),
      approval("approved", minutesAgo(3000), minutesAgo(2900)),
    ]);
    await db.transaction((tx) => appendAuditEvents(tx, Array.from({ length: 5 }, (_, i) => ({ actor: "test", action: "policy.update", targetType: "policy", targetId: String(i) }))));
    await db.insert(unchainedAuditEvents).values([
      { action: "gateway.statement", targetType: "statement" },
      { action: "gateway.statement", targetType: "statement" },
      { action: "gateway.statement", targetType: "statement" },
    ]);
    const delivered = new Date(Date.now() - 60_000);
    await db.insert(eventSinks).values([
      { name: "siem", kind: "webhook", url: "https://siem.example.com/hook", deliveredSeq: 2, state: "retrying", lastDeliveredAt: delivered, createdBy: "test" },
      { name: "archive", kind: "file", filePath: "/tmp/x.jsonl", deliveredSeq: 5, createdBy: "test" },
    ]);

    const e: Exposition = parsePrometheusText(await metrics.render(db));
    expect(sampleValue(e, "warden_store_up")).toBe(1);
    expect(sampleValue(e, "warden_approvals_pending")).toBe(2);
    expect(sampleValue(e, "warden_approvals_oldest_pending_age_seconds")).toBeGreaterThanOrEqual(30 * 60 - 5);
    expect(sampleValue(e, "warden_approvals_oldest_pending_age_seconds")).toBeLessThan(30 * 60 + 60);
    expect(sampleValue(e, "warden_approvals_decided_24h")).toBe(3);
    expect(sampleValue(e, "warden_approval_decision_seconds", { quantile: "0.5" })).toBeCloseTo(120, 0);
    // percentile_cont over 60, 120, 300: 0.9 lies between 120 and 300, at 120 + 0.8 * 180.
    expect(sampleValue(e, "warden_approval_decision_seconds", { quantile: "0.9" })).toBeCloseTo(264, 0);
    expect(sampleValue(e, "warden_audit_newest_seq")).toBe(5);
    expect(sampleValue(e, "warden_audit_unchained_events")).toBe(3);
    expect(sampleValue(e, "warden_outbox_lag_events", { sink: "siem" })).toBe(3);
    expect(sampleValue(e, "warden_outbox_lag_events", { sink: "archive" })).toBe(0);
    expect(sampleValue(e, "warden_outbox_sink_state", { sink: "siem", state: "retrying" })).toBe(1);
    expect(sampleValue(e, "warden_outbox_sink_state", { sink: "siem", state: "active" })).toBe(0);
    expect(sampleValue(e, "warden_outbox_sink_state", { sink: "archive", state: "active" })).toBe(1);
    expect(sampleValue(e, "warden_outbox_sink_enabled", { sink: "archive" })).toBe(1);
    expect(sampleValue(e, "warden_outbox_last_delivered_timestamp_seconds", { sink: "siem" })).toBeCloseTo(delivered.getTime() / 1000, 0);
    expect(hasSample(e, "warden_outbox_last_delivered_timestamp_seconds") && e.samples.filter((s) => s.name === "warden_outbox_last_delivered_timestamp_seconds").length).toBe(1);

    // A sink removed since the last scrape is absent, not stale.
    await db.delete(eventSinks);
    const after = parsePrometheusText(await metrics.render(db));
    expect(hasSample(after, "warden_outbox_lag_events")).toBe(false);
  });

  it("says the store is down (warden_store_up 0) and leaves its figures out when the store does not answer", async () => {
    const dead = createDb(`postgres://warden:x@127.0.0.1:${await findFreePort()}/warden`, { max: 1, connectTimeoutMs: 500 });
    try {
      const e = parsePrometheusText(await createConsoleMetrics().render(dead));
      expect(sampleValue(e, "warden_store_up")).toBe(0);
      expect(hasSample(e, "warden_approvals_pending")).toBe(false);
    } finally {
      await dead.$client.end();
    }
  });
});

/** The route as `next start` serves it, driven over HTTP: who may scrape. */
describe("GET /api/metrics", () => {
  const TOKEN = randomBytes(24).toString("hex");
  let storeUrl: string;

  beforeAll(async () => {
    storeUrl = await createTestStore();
  });

  async function serveWith(metricsToken: string | undefined) {
    vi.resetModules();
    Object.assign(process.env, {
      DATABASE_URL: storeUrl,
      WARDEN_SECRET_KEY: randomBytes(32).toString("hex"),
      OIDC_ISSUER: "http://127.0.0.1:9/unused",
      OIDC_CLIENT_ID: "warden-console",
      OIDC_CLIENT_SECRET: "unused",
      PUBLIC_URL: "http://localhost:3999",
      NEXTAUTH_SECRET: randomUUID(),
    });
    if (metricsToken) process.env.WARDEN_METRICS_TOKEN = metricsToken;
    else delete process.env.WARDEN_METRICS_TOKEN;
    const route = await import("@/app/api/metrics/route");
    return serveRoute("/api/metrics", { GET: route.GET });
  }

  // Without a bearer the route asks next-auth for the session, which needs a request scope that only
  // Next provides: the 401/403 of that path are covered by e2e/metrics.spec.ts and authorize-metrics.test.ts.
  it("serves the text format to the right bearer, 401 to a wrong one", async () => {
    const server = await serveWith(TOKEN);
    try {
      const ok = await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const e = parsePrometheusText(await ok.text());
      expect(sampleValue(e, "warden_store_up")).toBe(1);
      expect((await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN.slice(1)}` } })).status).toBe(401);
      expect((await fetch(server.url, { headers: { authorization: "Basic x" } })).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("refuses every bearer when WARDEN_METRICS_TOKEN is unset", async () => {
    const server = await serveWith(undefined);
    try {
      const res = await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatch(/WARDEN_METRICS_TOKEN is not set/);
    } finally {
      await server.close();
      delete process.env.WARDEN_METRICS_TOKEN;
    }
  });
});
