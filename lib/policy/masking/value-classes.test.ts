import { describe, expect, it } from "vitest";
import { builtInValueClass, isSearchedByDetectors, textValueClass, valueClassOfSendFunction } from "./value-classes";

describe("value classes", () => {
  it("classes extension and domain types by their send function", () => {
    expect(valueClassOfSendFunction("public.citextsend")).toBe("text");
    expect(valueClassOfSendFunction("enum_send")).toBe("text");
    expect(valueClassOfSendFunction("array_send")).toBe("other");
  });

  it("reads types that are not built in as other, and searches them", () => {
    expect(builtInValueClass(16_385)).toBeUndefined();
    expect([textValueClass(25), textValueClass(23), textValueClass(3802), textValueClass(16_385)]).toEqual(["text", "plain", "jsonb", "other"]);
    expect([textValueClass(25), textValueClass(16_385), textValueClass(20)].every(isSearchedByDetectors)).toBe(true);
    expect([textValueClass(23), textValueClass(17), textValueClass(2950)].some(isSearchedByDetectors)).toBe(false);
  });
});
