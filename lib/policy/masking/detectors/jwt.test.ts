import { describe, expect, it } from "vitest";
import { findJwts } from "./jwt";

const found = (text: string) => findJwts(text).map((s) => text.slice(s.start, s.end));

// Segments built from JSON, not real tokens: {"alg":"HS256","typ":"JWT"}, {"sub":"x"}.
const HS256 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const SUB = "eyJzdWIiOiJ4In0";
const JWT = `${HS256}.${SUB}.c2lnbmF0dXJlLWJ5dGVz`;

describe("JWT detector", () => {
  it("finds tokens whose header is JSON with an alg", () => {
    expect(found(JWT)).toEqual([JWT]);
    expect(found(`Authorization: Bearer ${JWT}`)).toEqual([JWT]);
    expect(found(`{"token":"${JWT}"}`)).toEqual([JWT]);
    expect(found(`token ${JWT}.`)).toEqual([JWT]);
  });

  it("finds unsecured tokens (empty signature) and encrypted ones (five segments)", () => {
    const none = "eyJhbGciOiJub25lIn0"; // {"alg":"none"}
    expect(found(`${none}.${SUB}.`)).toEqual([`${none}.${SUB}.`]);
    const jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y2lwaGVydGV4dA.dGFn"; // {"alg":"dir","enc":"A256GCM"}
    expect(found(jwe)).toEqual([jwe]);
  });

  it("does not take other dotted base64 for a token", () => {
    expect(found("eyJmb28iOiJiYXIifQ.eyJmb28iOiJiYXIifQ.abc")).toEqual([]); // {"foo":"bar"}: no alg
    expect(found("eyJhbGciOjV9.eyJmb28iOiJiYXIifQ.abc")).toEqual([]); // {"alg":5}
    expect(found("dGhpcyBpcyBub3QgYSB0b2tlbg.c2Vjb25k.dGhpcmQ")).toEqual([]); // random base64
    expect(found("eW91IGNhbid0IHBhcnNlIG1l.abc.def")).toEqual([]); // "e" but not JSON
    expect(found("www.example.com a.b.c")).toEqual([]);
    expect(found(HS256)).toEqual([]); // one segment
    expect(found(`x.${JWT}`)).toEqual([]); // part of a longer dotted name
  });
});
