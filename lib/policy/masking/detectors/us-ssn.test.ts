import { describe, expect, it } from "vitest";
import { findUsSsns } from "./us-ssn";

const found = (text: string) => findUsSsns(text).map((s) => text.slice(s.start, s.end));

describe("US SSN detector", () => {
  it("finds AAA-GG-SSSS", () => {
    expect(found("123-45-6789")).toEqual(["123-45-6789"]);
    expect(found("ssn: 078-05-1120, 899-99-9999")).toEqual(["078-05-1120", "899-99-9999"]);
    expect(found("SSN-123-45-6789")).toEqual(["123-45-6789"]);
  });

  it("skips the ranges never issued", () => {
    expect(found("000-12-3456")).toEqual([]);
    expect(found("666-12-3456")).toEqual([]);
    expect(found("900-12-3456")).toEqual([]);
    expect(found("999-12-3456")).toEqual([]);
    expect(found("123-00-4567")).toEqual([]);
    expect(found("123-45-0000")).toEqual([]);
  });

  it("does not take pieces of longer numbers, dates or phones", () => {
    expect(found("1123-45-6789")).toEqual([]);
    expect(found("123-45-67890")).toEqual([]);
    expect(found("9-123-45-6789")).toEqual([]);
    expect(found("123-45-6789-1")).toEqual([]);
    expect(found("2024-01-15")).toEqual([]);
    expect(found("415-555-0123")).toEqual([]);
    expect(found("123456789")).toEqual([]);
  });
});
