import { describe, expect, it } from "vitest";
import { indexJsonPositions, lineOfOffset, offsetOfPath, offsetOfSyntaxError } from "./locate-json-path";

const text = JSON.stringify({ version: 1, guardrails: [{ id: "a", name: "", match: { flags: ["drop"] } }], access: { isReadOnly: false } }, null, 2);
const lineOf = (path: string) => lineOfOffset(text, offsetOfPath(indexJsonPositions(text), path));

describe("locating JSON paths", () => {
  it("finds the line of a field, a list item and a nested value", () => {
    const lines = text.split("\n");
    expect(lines[lineOf("guardrails.0.name") - 1]).toContain('"name": ""');
    expect(lines[lineOf("guardrails.0") - 1].trim()).toBe("{");
    expect(lines[lineOf("guardrails.0.match.flags.0") - 1].trim()).toBe('"drop"');
    expect(lines[lineOf("access.isReadOnly") - 1]).toContain('"isReadOnly": false');
  });

  it("falls back to the nearest ancestor for a missing field, and to line 1 for the document", () => {
    expect(text.split("\n")[lineOf("guardrails.0.message") - 1].trim()).toBe("{");
    expect(lineOf("document")).toBe(1);
  });

  it("copes with escaped quotes in strings", () => {
    const tricky = '{"a": "say \\"hi\\", ok", "b": [1, {"c": null}]}';
    const positions = indexJsonPositions(tricky);
    expect(tricky.slice(offsetOfPath(positions, "b.1.c"))).toMatch(/^"c": null/);
  });
});

describe("offsetOfSyntaxError", () => {
  it("reads the position from V8's messages, old and new", () => {
    const bad = '{\n  "a": 1\n  "b": 2\n}';
    let message = "";
    try {
      JSON.parse(bad);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(lineOfOffset(bad, offsetOfSyntaxError(message, bad)!)).toBe(3);
    expect(offsetOfSyntaxError("Unexpected token } in JSON at position 7", "0123456789")).toBe(7);
    expect(offsetOfSyntaxError("Expected ',' (line 2 column 3)", "ab\ncdef")).toBe(5);
    expect(offsetOfSyntaxError("Unexpected end of JSON input", "{")).toBe(1);
  });
});
