import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditEvents, sessions } from "@/drizzle/schema";
import { generateToken } from "@/lib/crypto/tokens";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { eventually, startGatewayFixture, type GatewayFixture } from "@/proxy/testing/gateway-fixture";
import { floodSignIns } from "@/proxy/testing/sign-in-flood";
import { ensureGatewayBuild } from "./build-gateway";
import { gatewayEnvironment } from "./gateway-environment";
import { startGatewayProcess, type GatewayProcess } from "./start-gateway-process";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The compiled gateway as production runs it: `node dist/gateway.mjs` built from the sources, two
 * workers under node:cluster sharing one port and one self-signed certificate, against a real store.
 * (The fixture's own in-process gateway only provides the store, the target and a token here.)
 */
describe("the compiled gateway (dist/gateway.mjs)", () => {
  let fx: GatewayFixture;
  let gateway: GatewayProcess;
  let dataDir: string;
  const output: string[] = [];

  beforeAll(async () => {
    fx = await startGatewayFixture();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-compiled-"));
    await ensureGatewayBuild(root, () => {});
    gateway = await startGatewayProcess({
      root,
      env: gatewayEnvironment({
        DATABASE_URL: fx.storeUrl,
        WARDEN_SECRET_KEY: fx.secretKey,
        GATEWAY_PORT: await findFreePort(),
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_TLS_CERT: undefined,
        GATEWAY_TLS_KEY: undefined,
        GATEWAY_WORKERS: 2,
        WARDEN_DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
      }),
      args: ["--self-signed-tls"],
      output: (line) => output.push(line),
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fx?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports every worker and the certificate, once all of them listen", () => {
    expect(gateway.workerPids).toHaveLength(2);
    expect(new Set(gateway.workerPids).size).toBe(2);
    expect(gateway.workerPids).not.toContain(gateway.pid);
    expect(gateway.tlsCertPath).toBe(path.join(dataDir, "gateway-tls.crt"));
  });

  it("serves clients from both workers on one port, over TLS with the one certificate", async () => {
    const ca = fs.readFileSync(gateway.tlsCertPath!, "utf8");
    for (let i = 0; i < 6; i++) {
      const client = new pg.Client(fx.clientConfig({ port: gateway.port, ssl: { ca, servername: "localhost" } }));
      await client.connect();
      try {
        expect((await client.query("select 40 + 2 as answer")).rows).toEqual([{ answer: 42 }]);
      } finally {
        await client.end();
      }
    }
    // Each session's record names the worker (host:pid) that served it.
    const instances = await eventually(async () => {
      const rows = await fx.db.select({ instance: sessions.gatewayInstance }).from(sessions);
      const served = new Set(rows.map((r) => r.instance.split(":").at(-1)).filter((pid) => gateway.workerPids.includes(Number(pid))));
      return served.size === 2 ? served : null;
    });
    expect(instances.size).toBe(2);
  });

  it("throttles one address's guesses across both workers as one: the primary counts them", async () => {
    const ca = fs.readFileSync(gateway.tlsCertPath!, "utf8");
    const result = await floodSignIns({
      port: gateway.port,
      concurrency: 40,
      durationMs: 60_000,
      maxAttempts: 40,
      ssl: { ca, servername: "localhost" },
      attempt: () => ({ user: fx.email, database: fx.connectionName, password: generateToken() }),
    });
    expect(result.refusals["28P01"]).toBe(40);
  });

  it("stops every worker and the primary on SIGTERM", async () => {
    const pids = [gateway.pid, ...gateway.workerPids];
    await gateway.stop();
    expect(await gateway.exited).toBe(0);
    await eventually(async () => pids.every((pid) => !isAlive(pid)));
    expect(output.filter((l) => /"level":"error"/.test(l))).toEqual([]);
  });

  it("has written, from the primary as it stopped, one audit event per address and minute for both workers' failures", async () => {
    const rows = await fx.db.select().from(auditEvents).where(eq(auditEvents.action, "gateway.sign_in.failed"));
    const details = rows.map((r) => r.details as { clientAddress: string; count: number; reasons: Record<string, number> });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(details.every((d) => d.clientAddress === "127.0.0.1")).toBe(true);
    expect(details.reduce((n, d) => n + d.count, 0)).toBe(40);
    const checked = details.reduce((n, d) => n + (d.reasons.token_unknown ?? 0), 0);
    // One throttle for the host: 5 at once, then spaced 250, 500, 1000, 2000, 4000 ms within the 10 s
    // wait, about 11 checked; a throttle per worker would have checked about twice that.
    expect(checked).toBeLessThanOrEqual(13);
    expect(details.reduce((n, d) => n + (d.reasons.throttled ?? 0), 0)).toBe(40 - checked);
  });
});
