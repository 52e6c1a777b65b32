import { beforeAll, describe, expect, it } from "vitest";
import { loadClassifier } from "@/lib/policy/classify-statement";
import type { TargetFunction } from "../policy/function-oids";
import { decodeFunctionCall } from "../protocol/function-call-message";
import { functionCallFrame, int4 } from "../testing/function-call-frames";
import { judgeFunctionCall } from "./function-call";

beforeAll(() => loadClassifier());

const fn = (schema: string, name: string, argTypes: number[] = [23], more: Partial<TargetFunction> = {}): TargetFunction => ({ oid: 1, schema, name, argTypes, returnType: 23, kind: "f", returnsSet: false, ...more });
const judge = (f: TargetFunction, args: (Buffer | null)[] = [int4(1)], formats = [1]) => judgeFunctionCall(decodeFunctionCall(functionCallFrame({ oid: f.oid, formats, args })), { kind: "found", fn: f });

describe("judgeFunctionCall", () => {
  it("judges the call as the SELECT of the function its row names, with its arguments as parameters", () => {
    const j = judge(fn("pg_catalog", "lo_unlink", [26]));
    expect(j.sql).toBe("SELECT pg_catalog.lo_unlink($1)");
    expect(j.classification).toMatchObject({ kind: "write", command: "SelectStmt" });
    expect(j.params).toEqual([{ format: "binary", value: int4(1).toString("base64"), typeOid: 26 }]);
    expect(j.refusal).toBeNull();
    expect(judge(fn("pg_catalog", "pg_read_file", [25]), [Buffer.from("/etc/passwd")], [0]).classification.flags).toContain("dangerous_function");
    expect(judge(fn("pg_catalog", "set_config", [25, 25, 16]), [Buffer.from("role"), Buffer.from("x"), Buffer.from("f")], [0]).classification.flags).toContain("dangerous_function");
  });

  it("quotes names the grammar would read otherwise, and still names the very function", () => {
    expect(judge(fn("user", "lo_open", [26, 23]), [int4(1), int4(2)]).sql).toBe('SELECT "user"."lo_open"($1, $2)');
    expect(judge(fn("Odd Schema", 'we"ird')).sql).toBe('SELECT "Odd Schema"."we""ird"($1)');
    const shouting = judge(fn("public", "PG_READ_FILE", [25]), [Buffer.from("x")], [0]);
    expect(shouting.sql).toBe('SELECT public."PG_READ_FILE"($1)');
    expect(shouting.classification.readSafety?.functions).toEqual([{ schema: "public", name: "PG_READ_FILE" }]);
  });

  it("refuses what PostgreSQL refuses before running anything", () => {
    expect(judge(fn("pg_catalog", "generate_series", [23, 23], { returnsSet: true }), [int4(1), int4(2)]).refusal?.sqlState).toBe("0A000");
    expect(judge(fn("pg_catalog", "count", [2276], { kind: "a" })).refusal?.sqlState).toBe("0A000");
    const wrongCount = judge(fn("pg_catalog", "lo_creat"), [int4(1), int4(2)]);
    expect(wrongCount.refusal).toEqual({ sqlState: "08P01", message: "function call message contains 2 arguments but function requires 1" });
    expect(wrongCount.params).toBeNull();
    expect(wrongCount.sql).toBe("SELECT pg_catalog.lo_creat($1)");
    expect(judge(fn("pg_catalog", "lo_creat"), [int4(1)], [2]).refusal).toEqual({ sqlState: "22023", message: "unsupported format code: 2" });
  });

  it("refuses an OID with no function, or one that could not be looked up", () => {
    const call = decodeFunctionCall(functionCallFrame({ oid: 77, args: [] }));
    expect(judgeFunctionCall(call, { kind: "missing" }).refusal).toEqual({ sqlState: "42883", message: "function with OID 77 does not exist" });
    expect(judgeFunctionCall(call, { kind: "unavailable", sqlState: "57P03", reason: "down" }).refusal?.sqlState).toBe("57P03");
  });
});
