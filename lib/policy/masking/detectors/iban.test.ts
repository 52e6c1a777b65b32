import { describe, expect, it } from "vitest";
import { findIbans, isIbanChecksumValid } from "./iban";

const found = (text: string) => findIbans(text).map((s) => text.slice(s.start, s.end));

describe("isIbanChecksumValid", () => {
  it("checks mod 97", () => {
    expect(isIbanChecksumValid("GB82WEST12345698765432")).toBe(true);
    expect(isIbanChecksumValid("GB82WEST12345698765433")).toBe(false);
  });
});

describe("IBAN detector", () => {
  it("finds IBANs solid or printed in groups, in any case", () => {
    expect(found("GB82 WEST 1234 5698 7654 32")).toEqual(["GB82 WEST 1234 5698 7654 32"]);
    expect(found("DE89370400440532013000")).toEqual(["DE89370400440532013000"]);
    expect(found("iban: de89370400440532013000;")).toEqual(["de89370400440532013000"]);
    expect(found("NO93 8601 1117 947 and FR14 2004 1010 0505 0001 3M02 606")).toEqual([
      "NO93 8601 1117 947",
      "FR14 2004 1010 0505 0001 3M02 606",
    ]);
  });

  it("stops at the country's length even when text follows", () => {
    expect(found("GB82 WEST 1234 5698 7654 32 USD")).toEqual(["GB82 WEST 1234 5698 7654 32"]);
  });

  it("does not take a wrong checksum, wrong length or unknown country for an IBAN", () => {
    expect(found("GB82 WEST 1234 5698 7654 33")).toEqual([]);
    expect(found("DE89370400440532013001")).toEqual([]);
    expect(found("DE8937040044053201300")).toEqual([]); // 21 characters, Germany has 22
    expect(found("DE89370400440532013000X")).toEqual([]); // runs into more letters
    expect(found("ZZ89370400440532013000")).toEqual([]);
    expect(found("XDE89370400440532013000")).toEqual([]);
    expect(found("GB82  WEST 1234 5698 7654 32")).toEqual([]); // two spaces
  });
});
