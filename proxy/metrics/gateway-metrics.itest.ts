import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { approvalRequests, sessions } from "@/drizzle/schema";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { ensureGatewayBuild } from "@/scripts/launcher/build-gateway";
import { gatewayEnvironment } from "@/scripts/launcher/gateway-environment";
import { startGatewayProcess, type GatewayProcess } from "@/scripts/launcher/start-gateway-process";
import { createLogger } from "../log";
import { startMaskingFixture, type MaskingFixture } from "../masking/testing/masking-fixture";
import { createGatewayDb } from "../store-db";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { serveGatewayMetrics, type GatewayMetricsHandle } from "./serve-gateway-metrics";
import { checkReadiness } from "./store-readiness";
import { hasSample, parsePrometheusText, sampleValue, type Exposition } from "./testing/parse-prometheus-text";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const quiet = createLogger("error", () => {});

async function scrape(port: number): Promise<Exposition> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

const G = "warden_gateway_";

/** The TCP ports a process listens on (IPv4, from /proc): its sockets' inodes matched against /proc/net/tcp. */
function listeningPortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    const target = (() => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return "";
      }
    })();
    if (target.startsWith("socket:[")) inodes.add(target.slice(8, -1));
  }
  const rows = fs.readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1).map((l) => l.trim().split(/\s+/));
  // Columns: sl, local_address (hex ip:port), rem_address, st (0A = LISTEN), …, inode (10th).
  return rows.filter((r) => r[3] === "0A" && inodes.has(r[9])).map((r) => parseInt(r[1].split(":")[1], 16));
}
/** The growth of a sample between two scrapes. */
const grew = (before: Exposition, after: Exposition, name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
/** Refused sign-ins of every reason (not ok, not unchecked). */
const failedSignIns = (e: Exposition) => e.samples.filter((s) => s.name === `${G}sign_ins_total` && s.labels.result !== "ok" && s.labels.result !== "unchecked").reduce((n, s) => n + s.value, 0);

describe("gateway metrics: a real gateway, scraped over HTTP", () => {
  let fx: MaskingFixture;
  let metrics: GatewayMetricsHandle;
  let port: number;

  beforeAll(async () => {
    fx = await startMaskingFixture();
    metrics = await serveGatewayMetrics({ GATEWAY_METRICS_PORT: await findFreePort(), GATEWAY_METRICS_HOST: "127.0.0.1", DATABASE_URL: fx.storeUrl }, quiet, "local");
    port = metrics.server!.port;
  });
  afterAll(async () => {
    await metrics?.close();
    await fx?.closeAll();
  });

  it("moves the counters and histograms by what real traffic did", async () => {
    const before = await scrape(port);
    expect(before.types.get(`${G}added_latency_seconds`)).toBe("histogram");
    expect(before.types.get(`${G}statements_total`)).toBe("counter");
    expect(hasSample(before, `${G}process_cpu_user_seconds_total`)).toBe(true);

    await expect(fx.connect({ password: "wd_not_a_real_token", application_name: "metrics-bad" })).rejects.toThrow(/password authentication failed/);
    const c = await fx.connect({ application_name: "metrics-traffic" });
    try {
      for (let i = 0; i < 3; i++) await c.query("select $1::int as n", [i]);
      await expect(c.query("select pg_read_file('/etc/hostname')")).rejects.toThrow(/not allowed through Warden/);
      const masked = await c.query("select email, card_number from customers order by id");
      expect(masked.rows[0].email).not.toBe("ann@example.com");
      // A column computed from one no rule masks (notes): the us_ssn detector finds the number, under
      // its semantic type national_id.
      const detected = await c.query("select 'ssn 123-45-6789, ' || notes as note from customers where id = 1");
      expect(detected.rows[0].note).not.toContain("123-45-6789");

      const during = await eventually(async () => {
        const e = await scrape(port);
        return grew(before, e, `${G}server_time_seconds_count`) >= 5 ? e : undefined;
      });
      expect(sampleValue(during, `${G}connections_open`)).toBe(1);
    } finally {
      await c.end();
    }

    const after = await eventually(async () => {
      const e = await scrape(port);
      return sampleValue(e, `${G}connections_open`) === 0 && sampleValue(e, `${G}recording_backlog`) === 0 ? e : undefined;
    });
    expect(grew(before, after, `${G}sign_ins_total`, { result: "ok" })).toBe(1);
    expect(failedSignIns(after) - failedSignIns(before)).toBe(1);
    // Three selects and the two masked reads were forwarded; the dangerous function was blocked.
    expect(grew(before, after, `${G}statements_total`, { kind: "read", decision: "forward", actor_kind: "human" })).toBe(5);
    expect(grew(before, after, `${G}statements_total`, { decision: "block", actor_kind: "human" })).toBe(1);
    expect(grew(before, after, `${G}statements_total`)).toBe(6);
    expect(grew(before, after, `${G}added_latency_seconds_count`)).toBe(5);
    expect(grew(before, after, `${G}added_latency_seconds_bucket`, { le: "+Inf" })).toBe(5);
    expect(grew(before, after, `${G}server_time_seconds_count`)).toBe(5);
    expect(grew(before, after, `${G}added_latency_seconds_sum`)).toBeGreaterThan(0);
    // Two customers: two emails and two card numbers masked by column rule.
    expect(grew(before, after, `${G}masked_values_total`, { semantic_type: "email" })).toBe(2);
    expect(grew(before, after, `${G}masked_values_total`, { semantic_type: "card_number" })).toBe(2);
    expect(grew(before, after, `${G}masked_values_total`, { semantic_type: "national_id" })).toBe(1);
    expect(grew(before, after, `${G}masked_values_total`, { semantic_type: "phone" })).toBe(0);
    // Every statement and the session were committed by group commits.
    expect(grew(before, after, `${G}recording_commit_seconds_count`)).toBeGreaterThan(0);
    expect(sampleValue(after, `${G}approvals_waiting`)).toBe(0);
  });

  it("counts a statement held for a reviewer while it waits, then as a hold by an agent once approved", async () => {
    const before = await scrape(port);
    const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "metrics-agent" });
    const c = await fx.connect({ password: agentToken, application_name: "metrics-held" });
    try {
      // The demo policy holds an agent's writes for a reviewer.
      const held = c.query("update customers set notes = 'held' where id = 1").catch((err: Error) => err);
      const waiting = await eventually(async () => {
        const e = await scrape(port);
        return sampleValue(e, `${G}approvals_waiting`) === 1 ? e : undefined;
      });
      expect(grew(before, waiting, `${G}added_latency_seconds_count`)).toBe(0);
      // The wait begins just before its request is committed.
      const request = await eventually(async () => (await fx.db.select({ id: approvalRequests.id }).from(approvalRequests).where(eq(approvalRequests.status, "pending")))[0]);
      await decideApproval(fx.db, { requestId: request.id, reviewer: { email: "reviewer@example.com", groups: ["reviewer"] }, decision: "approve", comment: "ok" });
      expect(await held).toMatchObject({ rowCount: 1 });
    } finally {
      await c.end();
    }
    const after = await eventually(async () => {
      const e = await scrape(port);
      return sampleValue(e, `${G}approvals_waiting`) === 0 && grew(before, e, `${G}server_time_seconds_count`) === 1 ? e : undefined;
    });
    expect(grew(before, after, `${G}statements_total`, { kind: "write", decision: "hold", actor_kind: "agent" })).toBe(1);
    expect(grew(before, after, `${G}statements_total`)).toBe(1);
    // The reviewer's wait is not the gateway's latency.
    expect(grew(before, after, `${G}added_latency_seconds_count`)).toBe(0);
  });

  it("answers /healthz and /readyz, 404 elsewhere, 405 to other methods", async () => {
    const get = (p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${p}`, init);
    expect((await get("/healthz")).status).toBe(200);
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe("ready\n");
    expect((await get("/nope")).status).toBe(404);
    const post = await get("/metrics", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("gateway readiness without a store", () => {
  it("answers /readyz 503 with the reason while /healthz stays 200, when the store does not answer", async () => {
    // A store that is gone: nothing listens on this port.
    const deadStore = `postgres://warden:x@127.0.0.1:${await findFreePort()}/warden`;
    const handle = await serveGatewayMetrics({ GATEWAY_METRICS_PORT: await findFreePort(), GATEWAY_METRICS_HOST: "127.0.0.1", DATABASE_URL: deadStore }, quiet, "local");
    try {
      const base = `http://127.0.0.1:${handle.server!.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/^not ready: the store is unreachable/);
    } finally {
      await handle.close();
    }
  });

  it("is not ready before the gateway listens, nor when a stopped store stops answering", async () => {
    const fx: GatewayFixture = await startGatewayFixture();
    const db = createGatewayDb(fx.storeUrl, { max: 1, connectTimeoutMs: 1000, queryTimeoutMs: 1000 });
    try {
      expect(await checkReadiness({ isListening: () => false, db })).toEqual({ isReady: false, reason: "the gateway is not listening yet" });
      expect(await checkReadiness({ isListening: () => true, db })).toEqual({ isReady: true });
    } finally {
      await db.$client.end();
      await fx.close();
    }
    // The same pool's store gone (its database dropped by the fixture's teardown is not guaranteed): a closed port.
    const gone = createGatewayDb(`postgres://warden:x@127.0.0.1:${await findFreePort()}/warden`, { max: 1, connectTimeoutMs: 500, queryTimeoutMs: 500 });
    try {
      const r = await checkReadiness({ isListening: () => true, db: gone, timeoutMs: 2000 });
      expect(r.isReady).toBe(false);
    } finally {
      await gone.$client.end();
    }
  });

  it("serves nothing when GATEWAY_METRICS_PORT is 0", async () => {
    const handle = await serveGatewayMetrics({ GATEWAY_METRICS_PORT: 0, GATEWAY_METRICS_HOST: "127.0.0.1", DATABASE_URL: "postgres://unused@127.0.0.1:1/x" }, quiet, "local");
    expect(handle.server).toBeNull();
  });
});

/** The compiled gateway with two workers: the primary's /metrics is the sum of both workers' registries. */
describe("gateway metrics across node:cluster workers", () => {
  let fx: GatewayFixture;
  let gateway: GatewayProcess;
  let dataDir: string;
  let metricsPort: number;
  let offGateway: GatewayProcess | undefined;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-metrics-"));
    await ensureGatewayBuild(root, () => {});
    metricsPort = await findFreePort();
    const settings = {
      DATABASE_URL: fx.storeUrl,
      WARDEN_SECRET_KEY: fx.secretKey,
      GATEWAY_PORT: await findFreePort(),
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_TLS_CERT: undefined,
      GATEWAY_TLS_KEY: undefined,
      GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback" as const,
      GATEWAY_WORKERS: 2,
      GATEWAY_METRICS_PORT: metricsPort,
      GATEWAY_METRICS_HOST: "127.0.0.1",
      WARDEN_DATA_DIR: dataDir,
      LOG_LEVEL: "warn" as const,
    };
    gateway = await startGatewayProcess({
      root,
      env: gatewayEnvironment(settings),
      output: () => {},
    });
  });

  afterAll(async () => {
    await offGateway?.stop();
    await gateway?.stop();
    await fx?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("sums both workers' statements and connections in one scrape, and is ready", async () => {
    const before = await scrape(metricsPort);
    const connect = async () => {
      const c = new pg.Client({ ...fx.clientConfig({ application_name: "metrics-cluster" }), port: gateway.port });
      await c.connect();
      return c;
    };
    const clients: pg.Client[] = [];
    for (let i = 0; i < 4; i++) clients.push(await connect());
    try {
      for (const c of clients) await c.query("select 1");
      // node:cluster hands connections round-robin: both workers served some.
      const pids = await eventually(async () => {
        const rows = await fx.db.select({ instance: sessions.gatewayInstance, app: sessions.applicationName }).from(sessions);
        const seen = new Set(rows.filter((r) => r.app === "metrics-cluster").map((r) => Number(r.instance.split(":").at(-1))));
        return seen.size === 2 ? seen : null;
      });
      expect([...pids].every((pid) => gateway.workerPids.includes(pid))).toBe(true);
      const during = await eventually(async () => {
        const e = await scrape(metricsPort);
        return grew(before, e, `${G}server_time_seconds_count`) >= 4 ? e : undefined;
      });
      expect(sampleValue(during, `${G}connections_open`)).toBe(4);
      expect(grew(before, during, `${G}statements_total`, { kind: "read", decision: "forward" })).toBe(4);
      expect(grew(before, during, `${G}sign_ins_total`, { result: "ok" })).toBe(4);
      expect(grew(before, during, `${G}server_time_seconds_count`)).toBe(4);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
  });

  it("opens no metrics port with GATEWAY_METRICS_PORT=0 (0 is off, not any free port)", async () => {
    const lines: string[] = [];
    const settings = { DATABASE_URL: fx.storeUrl, WARDEN_SECRET_KEY: fx.secretKey, GATEWAY_PORT: await findFreePort(), GATEWAY_HOST: "127.0.0.1", GATEWAY_TLS_CERT: undefined, GATEWAY_TLS_KEY: undefined, GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback" as const, GATEWAY_METRICS_PORT: 0, GATEWAY_METRICS_HOST: "127.0.0.1", WARDEN_DATA_DIR: dataDir, LOG_LEVEL: "info" as const };
    offGateway = await startGatewayProcess({
      root,
      env: gatewayEnvironment(settings, { ...process.env, GATEWAY_METRICS_PORT: "9432" }),
      output: (line) => lines.push(line),
    });
    const c = new pg.Client({ ...fx.clientConfig(), port: offGateway.port });
    await c.connect();
    await c.end();
    expect(lines.some((l) => l.includes('"gateway listening"'))).toBe(true);
    expect(lines.filter((l) => l.includes("metrics"))).toEqual([]);
    // Linux: the TCP ports the gateway's process listens on are its client port alone.
    expect(listeningPortsOf(offGateway.pid)).toEqual([offGateway.port]);
  });
});
