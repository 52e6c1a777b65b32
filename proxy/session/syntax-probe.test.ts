import { describe, expect, it } from "vitest";
import { isReservedName } from "./block-statement";
import { isClientsError, PROBE_STATEMENT, syntaxProbeMessages } from "./syntax-probe";

describe("syntax probe", () => {
  it("parses the client's exact bytes (invalid UTF-8 included) into the reserved name, closing it before and after", () => {
    const text = Buffer.from([0x73, 0x65, 0x6c, 0x65, 0x63, 0x20, 0xff, 0xc3, 0x28]);
    const { frames, parseIndex } = syntaxProbeMessages(text, { dropsUnnamed: false });
    expect(frames.map((f) => String.fromCharCode(f[0]))).toEqual(["C", "P", "C"]);
    expect(parseIndex).toBe(1);
    const parse = frames[1];
    expect(parse.readInt32BE(1)).toBe(parse.length - 1);
    const name = Buffer.from(`${PROBE_STATEMENT}\0`);
    expect(parse.subarray(5, 5 + name.length).equals(name)).toBe(true);
    expect(parse.subarray(5 + name.length, 5 + name.length + text.length).equals(text)).toBe(true);
    // The text's zero, then no parameter types.
    expect([...parse.subarray(parse.length - 3)]).toEqual([0, 0, 0]);
    expect(isReservedName(PROBE_STATEMENT)).toBe(true);
    for (const close of [frames[0], frames[2]]) expect(close.subarray(5).toString("latin1")).toBe(`S${PROBE_STATEMENT}\0`);
  });

  it("for a Query, drops the unnamed statement first, as a Query does", () => {
    const { frames, parseIndex } = syntaxProbeMessages(Buffer.from("selec"), { dropsUnnamed: true });
    expect(frames[0].subarray(5).toString("latin1")).toBe("S\0");
    expect(parseIndex).toBe(2);
    expect(frames[parseIndex][0]).toBe(0x50);
  });

  it("the server's errors are the client's, but for a Parse's refusal of several statements (42601 without a position)", () => {
    expect(isClientsError({ code: "42601", position: "7" })).toBe(true);
    expect(isClientsError({ code: "22021", position: undefined })).toBe(true);
    expect(isClientsError({ code: "54001", position: undefined })).toBe(true);
    expect(isClientsError({ code: "42601", position: undefined })).toBe(false);
  });
});
