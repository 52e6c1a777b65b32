import { describe, expect, it } from "vitest";
import { canonicalJson, GENESIS_HASH, hashEvent } from "./hash-chain";

/** An event with what JSON can hold (unicode keys, escapes, -0, big numbers, nesting, empties). */
const event = {
  seq: 7,
  occurredAt: "2026-01-02T03:04:05.678Z",
  actor: "Ädmin@example.com",
  action: "policy.update",
  targetType: "connection",
  targetId: "c1",
  targetName: null,
  before: { z: [1, 2.5, null, 'x\n"y"'], a: { é: true, B: false, b: -0 } },
  after: null,
  details: { sql: "select '\u0001'", keys: ["b", "a"], n: 1e21, nested: [{ y: 1, x: [] }, {}] },
};

describe("hash chain", () => {
  it("hashes exactly as trails already in stores were hashed (golden values from the first implementation)", () => {
    expect(canonicalJson(event)).toBe(
      '{"action":"policy.update","actor":"Ädmin@example.com","after":null,"before":{"a":{"B":false,"b":0,"é":true},"z":[1,2.5,null,"x\\n\\"y\\""]},"details":{"keys":["b","a"],"n":1e+21,"nested":[{"x":[],"y":1},{}],"sql":"select \'\\u0001\'"},"occurredAt":"2026-01-02T03:04:05.678Z","seq":7,"targetId":"c1","targetName":null,"targetType":"connection"}',
    );
    expect(hashEvent(GENESIS_HASH, event)).toBe("ccd2945a4d631019dd2214dbed5365ef613f0222c9a95224bab49364bf3a1d95");
  });

  it("ignores key order and undefined members, and hashes a Date as the text it is stored as", () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [undefined] } })).toBe('{"a":{"c":[null]},"b":1}');
    const at = new Date("2026-01-02T03:04:05.678Z");
    expect(canonicalJson({ at })).toBe(canonicalJson(JSON.parse(JSON.stringify({ at }))));
  });
});
