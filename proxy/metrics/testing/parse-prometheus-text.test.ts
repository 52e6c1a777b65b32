import { describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "./parse-prometheus-text";

describe("parsePrometheusText", () => {
  it("reads samples, labels with escapes, TYPE lines and special values", () => {
    const e = parsePrometheusText(
      [
        "# HELP a_total Things.",
        "# TYPE a_total counter",
        'a_total{kind="read",note="say \\"hi\\", a\\\\b"} 3',
        'a_total{kind="write"} 4',
        "# TYPE h histogram",
        'h_bucket{le="0.5"} 1',
        'h_bucket{le="+Inf"} 2',
        "h_sum 0.75",
        "h_count 2 1700000000000",
        "g NaN",
      ].join("\n"),
    );
    expect(e.types.get("a_total")).toBe("counter");
    expect(e.types.get("h")).toBe("histogram");
    expect(e.samples[0].labels).toEqual({ kind: "read", note: 'say "hi", a\\b' });
    expect(sampleValue(e, "a_total")).toBe(7);
    expect(sampleValue(e, "a_total", { kind: "write" })).toBe(4);
    expect(sampleValue(e, "h_bucket", { le: "+Inf" })).toBe(2);
    expect(sampleValue(e, "h_count")).toBe(2);
    expect(Number.isNaN(sampleValue(e, "g"))).toBe(true);
  });

  it("throws on a line it cannot read", () => {
    expect(() => parsePrometheusText("not a sample line at all")).toThrow(/unreadable/);
    expect(() => parsePrometheusText('x{le="1} 2')).toThrow(/unreadable/);
  });
});
