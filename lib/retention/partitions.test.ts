import { describe, expect, it } from "vitest";
import { dayPartitionName, parseBound, startOfUtcDay } from "./partitions";

describe("partition bounds and names", () => {
  it("reads a daily range, an open-ended one and DEFAULT as pg_get_expr prints them (time zone UTC)", () => {
    expect(parseBound("statements_p20261207", "FOR VALUES FROM ('2026-12-07 00:00:00+00') TO ('2026-12-08 00:00:00+00')")).toEqual({
      name: "statements_p20261207",
      isDefault: false,
      from: new Date("2026-12-07T00:00:00Z"),
      to: new Date("2026-12-08T00:00:00Z"),
    });
    expect(parseBound("old", "FOR VALUES FROM (MINVALUE) TO ('2026-12-08 00:00:00+00')")).toMatchObject({ from: null, to: new Date("2026-12-08T00:00:00Z") });
    expect(parseBound("statements_default", "DEFAULT")).toEqual({ name: "statements_default", isDefault: true, from: null, to: null });
    expect(() => parseBound("x", "FOR VALUES IN (1)")).toThrow(/unexpected partition bound/);
  });

  it("names a day's partition by its UTC date", () => {
    expect(dayPartitionName("audit_events", startOfUtcDay(new Date("2026-12-07T23:59:59.999Z")))).toBe("audit_events_p20261207");
    expect(startOfUtcDay(new Date("2026-12-07T23:59:59.999Z")).toISOString()).toBe("2026-12-07T00:00:00.000Z");
  });
});
