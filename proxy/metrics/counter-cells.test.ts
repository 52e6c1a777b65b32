import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CounterCells } from "./counter-cells";
import { FastHistogram } from "./fast-histogram";
import { parsePrometheusText, sampleValue } from "./testing/parse-prometheus-text";

describe("CounterCells", () => {
  it("reaches the counter at scrape time, once per increment, across scrapes", async () => {
    const registry = new Registry();
    const c = new CounterCells(registry, "t_total", "t", ["kind", "decision", "actor"] as const);
    const cell = c.cell("read", "forward", "agent");
    expect(c.cell("read", "forward", "agent")).toBe(cell);
    cell.n += 2;
    c.inc(1, "write", "block", "human");
    let e = parsePrometheusText(await registry.metrics());
    expect(e.types.get("t_total")).toBe("counter");
    expect(sampleValue(e, "t_total", { kind: "read", decision: "forward", actor: "agent" })).toBe(2);
    expect(sampleValue(e, "t_total", { kind: "write", decision: "block", actor: "human" })).toBe(1);
    cell.n++;
    e = parsePrometheusText(await registry.metrics());
    expect(sampleValue(e, "t_total", { kind: "read", decision: "forward", actor: "agent" })).toBe(3);
  });

  it("keeps label combinations that share a prefix apart", async () => {
    const registry = new Registry();
    const c = new CounterCells(registry, "u_total", "u", ["a", "b"] as const);
    c.inc(1, "x", "y");
    c.inc(5, "x", "z");
    c.inc(7, "xy", "");
    const e = parsePrometheusText(await registry.metrics());
    expect(sampleValue(e, "u_total", { a: "x", b: "y" })).toBe(1);
    expect(sampleValue(e, "u_total", { a: "x", b: "z" })).toBe(5);
    expect(sampleValue(e, "u_total", { a: "xy" })).toBe(7);
  });

  it("counts without labels", async () => {
    const registry = new Registry();
    const c = new CounterCells(registry, "v_total", "v", [] as const);
    c.cell().n += 4;
    expect(sampleValue(parsePrometheusText(await registry.metrics()), "v_total")).toBe(4);
  });
});

describe("FastHistogram", () => {
  it("renders cumulative buckets, +Inf, sum and count as prom-client's Histogram does", async () => {
    const registry = new Registry();
    const h = new FastHistogram(registry, "lat_seconds", "lat", [0.001, 0.01, 0.1]);
    for (const v of [0.0005, 0.001, 0.005, 0.05, 3]) h.observe(v);
    const e = parsePrometheusText(await registry.metrics());
    expect(e.types.get("lat_seconds")).toBe("histogram");
    expect(sampleValue(e, "lat_seconds_bucket", { le: "0.001" })).toBe(2);
    expect(sampleValue(e, "lat_seconds_bucket", { le: "0.01" })).toBe(3);
    expect(sampleValue(e, "lat_seconds_bucket", { le: "0.1" })).toBe(4);
    expect(sampleValue(e, "lat_seconds_bucket", { le: "+Inf" })).toBe(5);
    expect(sampleValue(e, "lat_seconds_count")).toBe(5);
    expect(sampleValue(e, "lat_seconds_sum")).toBeCloseTo(3.0565, 6);
  });
});
