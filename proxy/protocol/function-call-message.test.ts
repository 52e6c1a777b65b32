import { describe, expect, it } from "vitest";
import { functionCallFrame, int4 } from "../testing/function-call-frames";
import { ClientError } from "./client-error";
import { decodeFunctionCall, decodeFunctionResult, encodeFunctionResult, functionCallOfNothing } from "./function-call-message";

const violation = (frame: Buffer) => {
  try {
    decodeFunctionCall(frame);
  } catch (err) {
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).sqlState).toBe("08P01");
    expect((err as ClientError).severity).toBe("FATAL");
    return (err as ClientError).message;
  }
  throw new Error("decoded a malformed FunctionCall");
};

describe("decodeFunctionCall", () => {
  it("reads the OID, arguments, their formats and the result format", () => {
    const m = decodeFunctionCall(functionCallFrame({ oid: 955, formats: [1, 0], args: [int4(3), Buffer.from("ab")], resultFormat: 1 }));
    expect(m.oid).toBe(955);
    expect(m.argFormats).toEqual([1, 0]);
    expect(m.args).toEqual([int4(3), Buffer.from("ab")]);
    expect(m.resultFormat).toBe(1);
  });

  it("applies no format as text and one format to every argument; -1 is NULL", () => {
    expect(decodeFunctionCall(functionCallFrame({ oid: 1, args: [null, Buffer.from("x")] })).argFormats).toEqual([0, 0]);
    const one = decodeFunctionCall(functionCallFrame({ oid: 1, formats: [1], args: [int4(1), null] }));
    expect(one.argFormats).toEqual([1, 1]);
    expect(one.args[1]).toBeNull();
  });

  it("reads counts and OIDs as unsigned, as PostgreSQL does: 65535 arguments, OIDs above 2^31", () => {
    const m = decodeFunctionCall(functionCallFrame({ oid: 4_000_000_000, args: Array(65535).fill(null) }));
    expect(m.args).toHaveLength(65535);
    expect(m.oid).toBe(4_000_000_000);
    const formats = decodeFunctionCall(functionCallFrame({ oid: 1, formats: Array(65535).fill(1), args: Array(65535).fill(null) }));
    expect(formats.argFormats).toHaveLength(65535);
    // Format codes are unsigned too: 65535 is an (unsupported) code, refused later like PostgreSQL refuses it.
    expect(decodeFunctionCall(functionCallFrame({ oid: 1, formats: [65535], args: [null] })).argFormats).toEqual([65535]);
  });

  it("refuses broken framing as a protocol violation", () => {
    expect(violation(functionCallFrame({ oid: 1, args: [int4(1)], argCount: 2 }))).toMatch(/invalid FunctionCall message format/);
    expect(violation(functionCallFrame({ oid: 1, args: [], argCount: 65535 }))).toMatch(/invalid FunctionCall message format/);
    expect(violation(functionCallFrame({ oid: 1, formats: [1, 1, 1], args: [int4(1), int4(2)] }))).toBe("function call message contains 3 argument formats but 2 arguments");
    expect(violation(functionCallFrame({ oid: 1, formats: [], formatCount: 40000, args: [] }))).toMatch(/invalid FunctionCall message format/);
    expect(violation(functionCallFrame({ oid: 1, args: [int4(1)], trailing: Buffer.from([0]) }))).toMatch(/invalid FunctionCall message format/);
    const badSize = functionCallFrame({ oid: 1, args: [int4(1)] });
    badSize.writeInt32BE(-2, 5 + 4 + 2 + 2);
    expect(violation(badSize)).toBe("invalid argument size -2 in function call message");
    const huge = functionCallFrame({ oid: 1, args: [int4(1)] });
    huge.writeInt32BE(0x7fffffff, 5 + 4 + 2 + 2);
    expect(violation(huge)).toMatch(/invalid FunctionCall message format/);
    expect(violation(Buffer.from([0x46, 0, 0, 0, 6, 0, 1]))).toMatch(/invalid FunctionCall message format/);
  });

  it("builds the call of no function that stands in for a refused call", () => {
    const m = decodeFunctionCall(functionCallOfNothing());
    expect(m).toEqual({ oid: 0, argFormats: [], args: [], resultFormat: 0 });
  });
});

describe("FunctionCallResponse", () => {
  it("round-trips a value and NULL", () => {
    expect(decodeFunctionResult(encodeFunctionResult(Buffer.from("hello")))).toEqual(Buffer.from("hello"));
    expect(decodeFunctionResult(encodeFunctionResult(null))).toBeNull();
    expect(encodeFunctionResult(int4(7))).toEqual(Buffer.from([0x56, 0, 0, 0, 12, 0, 0, 0, 4, 0, 0, 0, 7]));
  });
});
