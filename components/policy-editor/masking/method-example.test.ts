import { describe, expect, it } from "vitest";
import { resolveSemanticType } from "@/lib/policy/masking";
import { describeMethod, exampleFor, switchAlgorithm } from "./method-example";

const noTypes = { semanticTypes: [] };

describe("exampleFor", () => {
  it("masks a sample value of the type with the pure library", () => {
    expect(exampleFor(resolveSemanticType("card_number", noTypes)!)).toEqual({ input: "4111 1111 1111 1111", kind: "masked", output: "**** **** **** 1111" });
    expect(exampleFor(resolveSemanticType("email", noTypes)!)).toEqual({ input: "jane.doe@example.com", kind: "masked", output: "j*******@example.com" });
    expect(exampleFor(resolveSemanticType("address", noTypes)!)).toEqual({ input: "221B Baker Street, London", kind: "masked", output: "[address]" });
  });

  it("follows the policy's own method, and leaves the keyed hash to the server", () => {
    const inner = resolveSemanticType("phone", { semanticTypes: [{ id: "phone", label: "Phone", method: { algorithm: "inner", keepFirst: 3, keepLast: 2, replacement: "#" } }] })!;
    expect(exampleFor(inner)).toEqual({ input: "+1 415 555 0123", kind: "masked", output: "+1 ##########23" });
    expect(exampleFor({ id: "loyalty", format: "plain", method: { algorithm: "hash" } })).toEqual({ input: "ACME-0042-7781", kind: "hash" });
    expect(exampleFor({ id: "loyalty", format: "plain", method: { algorithm: "null" } })).toMatchObject({ kind: "null" });
  });
});

describe("describeMethod", () => {
  it("says what the parameters do", () => {
    expect(describeMethod({ algorithm: "partial", keepLast: 4 })).toBe("Keeps the last 4 characters; the rest become “*”.");
    expect(describeMethod({ algorithm: "full" })).toBe("Replaced by “****”, whatever its length.");
    expect(describeMethod({ algorithm: "outer" })).toContain("Every character");
  });
});

describe("switchAlgorithm", () => {
  it("keeps the parameters the new algorithm reads and drops the others", () => {
    expect(switchAlgorithm({ algorithm: "full", replacement: "[redacted]" }, "partial")).toEqual({ algorithm: "partial", keepLast: 4 });
    expect(switchAlgorithm({ algorithm: "partial", keepFirst: 1, replacement: "#" }, "inner")).toEqual({ algorithm: "inner", keepFirst: 1, replacement: "#" });
    expect(switchAlgorithm({ algorithm: "partial", keepFirst: 1, replacement: "#" }, "full")).toEqual({ algorithm: "full" });
    expect(switchAlgorithm({ algorithm: "inner", keepLast: 2 }, "hash")).toEqual({ algorithm: "hash" });
  });
});
