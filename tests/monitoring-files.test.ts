import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createConsoleMetrics } from "@/lib/server/metrics/console-metrics";
import { gatewayRegistry } from "@/proxy/metrics/gateway-metrics";

type Panel = { id: number; type: string; title: string; gridPos: { x: number; w: number }; datasource?: { uid: string }; targets?: { expr: string; datasource?: { uid: string } }[] };

const dashboard = JSON.parse(fs.readFileSync("deploy/grafana/warden-dashboard.json", "utf8"));
const panels: Panel[] = dashboard.panels;
const queryPanels = panels.filter((p) => p.type !== "row");
const exprs = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** Every metric family Warden exports: the gateway's registry and the console's. */
const gatewayFamilies = gatewayRegistry.getMetricsAsArray().map((m) => ({ name: m.name, type: (m as unknown as { type: string }).type }));
const consoleMetrics = createConsoleMetrics();
const families = new Map<string, string>([...gatewayFamilies.map((f) => [f.name, f.type] as const), ...consoleMetrics.registry.getMetricsAsArray().map((m) => [m.name, (m as unknown as { type: string }).type] as const)]);
for (const name of consoleMetrics.metricNames()) if (!families.has(name)) families.set(name, "gauge");

/** The series name a query names, as exported: a histogram's _bucket/_sum/_count belong to its family. */
function familyOf(series: string): string | undefined {
  if (families.has(series)) return series;
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  return m && (families.get(m[1]) === "histogram" || families.get(m[1]) === "summary") ? m[1] : undefined;
}

describe("deploy/grafana/warden-dashboard.json", () => {
  it("is an importable dashboard with a Prometheus data source variable every query uses", () => {
    expect(dashboard.uid).toBe("warden-overview");
    const variable = dashboard.templating.list.find((v: { name: string }) => v.name === "datasource");
    expect(variable).toMatchObject({ type: "datasource", query: "prometheus" });
    for (const p of queryPanels) {
      expect(p.datasource?.uid, p.title).toBe("${datasource}");
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource?.uid, p.title).toBe("${datasource}");
    }
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
  });

  it("queries only metrics Warden exports, and every Warden metric has a panel", () => {
    const named = new Set<string>();
    for (const expr of exprs) {
      const series = expr.match(/\bwarden_[a-z0-9_]+/g) ?? [];
      expect(series.length, expr).toBeGreaterThan(0);
      for (const s of series) {
        const family = familyOf(s);
        expect(family, `${s} (in ${expr}) is not a metric Warden exports`).toBeDefined();
        named.add(family!);
      }
    }
    // prom-client's process and Node.js metrics are exported too; the dashboard shows a few of them.
    const own = [...families.keys()].filter((n) => !/^warden_(gateway|console)_(process|nodejs)_/.test(n));
    expect(own.length).toBeGreaterThan(15);
    for (const name of own) expect(named, `${name} has no panel`).toContain(name);
  });

  it("reads the added latency as p50, p95 and p99 from its histogram", () => {
    const latency = exprs.filter((e) => e.includes("warden_gateway_added_latency_seconds_bucket"));
    expect(latency.map((e) => /histogram_quantile\((0\.\d+)/.exec(e)?.[1])).toEqual(["0.5", "0.95", "0.99"]);
  });
});

describe("Prometheus and Grafana in docker-compose.yml", () => {
  const compose = parse(fs.readFileSync("docker-compose.yml", "utf8"), { merge: true });
  const prometheus = parse(fs.readFileSync("deploy/prometheus/prometheus.yml", "utf8"));

  it("scrapes the gateway's operations port and the console's /api/metrics with the bearer", () => {
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((j: { job_name: string }) => [j.job_name, j]));
    expect(jobs["warden-gateway"]).toMatchObject({ metrics_path: "/metrics", static_configs: [{ targets: ["gateway:9432"] }] });
    expect(jobs["warden-console"]).toMatchObject({ metrics_path: "/api/metrics", static_configs: [{ targets: ["console:3000"] }], authorization: { type: "Bearer" } });
    // The bearer file is the compose secret made from the console's own variable.
    expect(jobs["warden-console"].authorization.credentials_file).toBe("/run/secrets/metrics_token");
    expect(compose.services.prometheus.secrets).toContain("metrics_token");
    expect(compose.secrets.metrics_token).toEqual({ environment: "WARDEN_METRICS_TOKEN" });
    expect(compose.services.console.environment.WARDEN_METRICS_TOKEN).toMatch(/^\$\{WARDEN_METRICS_TOKEN:\?/);
  });

  it("opens the gateway's metrics port on the compose network only", () => {
    const gateway = compose.services.gateway;
    expect(gateway.environment).toMatchObject({ GATEWAY_METRICS_HOST: "0.0.0.0", GATEWAY_METRICS_PORT: "9432" });
    expect(gateway.ports.join(" ")).not.toContain("9432");
  });

  it("mounts files that exist: Prometheus's configuration, Grafana's provisioning and the dashboard", () => {
    const mounts = [...compose.services.prometheus.volumes, ...compose.services.grafana.volumes].filter((v: string) => v.startsWith("./"));
    expect(mounts.length).toBe(3);
    for (const m of mounts) expect(fs.existsSync(m.split(":")[0]), m).toBe(true);
    expect(mounts.some((m: string) => m.startsWith("./deploy/grafana/warden-dashboard.json:/var/lib/grafana/dashboards/"))).toBe(true);
    const provider = parse(fs.readFileSync("deploy/grafana/provisioning/dashboards/warden.yml", "utf8"));
    expect(provider.providers[0].options.path).toBe("/var/lib/grafana/dashboards");
    const datasource = parse(fs.readFileSync("deploy/grafana/provisioning/datasources/prometheus.yml", "utf8"));
    expect(datasource.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
  });
});
