import { describe, expect, it } from "vitest";
import { readCaseLines } from "./case-outcome";

describe("readCaseLines", () => {
  it("takes the JSON case lines as outcomes and keeps everything else, with the exit code, for the log", () => {
    const stdout = ['{"case":"a","ok":true,"detail":{"n":1},"ms":3}', "Picked up JAVA_TOOL_OPTIONS", '{"case":"b","ok":false,"detail":null}', '{"not":"a case"}', ""].join("\n");
    const run = readCaseLines(stdout, "Traceback: boom\n", 1);
    expect(run.outcomes).toEqual([
      { case: "a", ok: true, detail: { n: 1 }, ms: 3 },
      { case: "b", ok: false, detail: null },
    ]);
    expect(run.log).toBe('exit code 1\nPicked up JAVA_TOOL_OPTIONS\n{"not":"a case"}\nTraceback: boom\n');
  });

  it("reports no outcome for a program that printed none", () => {
    expect(readCaseLines("", "java: command not found", null)).toEqual({ outcomes: [], log: "exit code null\njava: command not found" });
  });
});
