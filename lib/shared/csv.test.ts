import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";

describe("csv", () => {
  it("quotes fields with commas, quotes and line breaks (RFC 4180), and leaves plain ones alone", () => {
    expect(csvCell("plain text")).toBe("plain text");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("select 1;\nselect 2")).toBe('"select 1;\nselect 2"');
    expect(csvCell("a\rb")).toBe('"a\rb"');
  });

  it("writes numbers, booleans and empty values as they are", () => {
    expect(csvLine([1, -5, true, null, undefined, ""])).toBe("1,-5,true,,,\r\n");
  });

  it("defuses text that a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("a=1")).toBe("a=1");
  });

  it("ends each line with CRLF", () => {
    expect(csvLine(["seq", "sql"]) + csvLine([1, "select 'a,b'"])).toBe("seq,sql\r\n1,\"select 'a,b'\"\r\n");
  });
});
