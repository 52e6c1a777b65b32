import { describe, expect, it } from "vitest";
import { findPhoneNumbers } from "./phone";

const found = (text: string) => findPhoneNumbers(text).map((s) => text.slice(s.start, s.end));

describe("phone detector", () => {
  it("finds the formats the demo data and people use", () => {
    expect(found("+14155550123")).toEqual(["+14155550123"]);
    expect(found("(415) 555-0123")).toEqual(["(415) 555-0123"]);
    expect(found("415-555-0123")).toEqual(["415-555-0123"]);
    expect(found("415.555.0123")).toEqual(["415.555.0123"]);
    expect(found("+44 20 7946 0958")).toEqual(["+44 20 7946 0958"]);
    expect(found("+44 7700 900123")).toEqual(["+44 7700 900123"]);
  });

  it("finds them inside text, with country codes and punctuation around", () => {
    expect(found("call +1 (415) 555-0123 now")).toEqual(["+1 (415) 555-0123"]);
    expect(found("tel:+1-415-555-0123;")).toEqual(["+1-415-555-0123"]);
    expect(found("1-415-555-0123")).toEqual(["1-415-555-0123"]);
    expect(found('{"phone":"(415)555-0123"}')).toEqual(["(415)555-0123"]);
    expect(found("a: 415-555-0123, b: +442079460958.")).toEqual(["415-555-0123", "+442079460958"]);
    expect(found("+33 1 23 45 67 89")).toEqual(["+33 1 23 45 67 89"]);
  });

  it("stops before a number that follows a grouped international one", () => {
    expect(found("+44 20 7946 0958 2024")).toEqual(["+44 20 7946 0958"]);
  });

  it("does not take plain integers, dates, times or amounts for phones", () => {
    expect(found("4155550123")).toEqual([]);
    expect(found("order 1234567890")).toEqual([]);
    expect(found("2024-01-15")).toEqual([]);
    expect(found("2024-01-15T10:30:00Z")).toEqual([]);
    expect(found("15.01.2024 12:30:45")).toEqual([]);
    expect(found("$1,234,567.89")).toEqual([]);
    expect(found("+1500.00")).toEqual([]);
    expect(found("+15000000.00")).toEqual([]);
    expect(found("UTC+05:30")).toEqual([]);
  });

  it("does not take order numbers, SSNs or card numbers for phones", () => {
    expect(found("ORD-2024-000123")).toEqual([]);
    expect(found("123-456-7890")).toEqual([]); // area codes never start with 1
    expect(found("415-055-0123")).toEqual([]); // nor exchanges with 0
    expect(found("123-45-6789")).toEqual([]);
    expect(found("4111-1111-1111-1111")).toEqual([]);
    expect(found("4111 1111 1111 1111")).toEqual([]);
    expect(found("5555-555-0123")).toEqual([]);
    expect(found("415-555-01234")).toEqual([]);
    expect(found("415-555.0123")).toEqual([]);
  });
});
