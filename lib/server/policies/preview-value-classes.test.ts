import { describe, expect, it } from "vitest";
import { builtInValueClass } from "@/proxy/masking/value-types";
import { previewValueClass } from "./preview-value-classes";

describe("previewValueClass", () => {
  it("treats every type OID as the gateway does in text format", () => {
    // The gateway: builtInValueClass(oid) ?? "other"; detectors skip "plain" and "bytea".
    const expected = (oid: number) => {
      const cls = builtInValueClass(oid) ?? "other";
      if (cls === "plain" || cls === "bytea") return "skip";
      if (cls === "json" || cls === "jsonb") return cls;
      return "search";
    };
    const mismatches: string[] = [];
    for (let oid = 0; oid < 20_000; oid++) {
      if (previewValueClass(oid) !== expected(oid)) mismatches.push(`${oid}: ${previewValueClass(oid)}, gateway ${expected(oid)}`);
    }
    expect(mismatches).toEqual([]);
    expect([previewValueClass(25), previewValueClass(23), previewValueClass(3802)]).toEqual(["search", "skip", "jsonb"]);
  });
});
