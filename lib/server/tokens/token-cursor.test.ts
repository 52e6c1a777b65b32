import { describe, expect, it } from "vitest";
import { decodeTokenCursor, encodeTokenCursor } from "./token-cursor";

const cursor = { createdAt: "2026-12-07 17:25:09.123456+00", id: "0b6f4c1e-7a3d-4a3b-9a55-2f1c2d3e4f50" };

describe("token list cursor", () => {
  it("round-trips the creation time to the microsecond and the id", () => {
    const encoded = encodeTokenCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTokenCursor(encoded)).toEqual(cursor);
  });

  it("reads a hand-edited or foreign cursor as none", () => {
    const encode = (text: string) => Buffer.from(text).toString("base64url");
    expect(decodeTokenCursor("not-a-cursor")).toBeNull();
    expect(decodeTokenCursor(encode(`2026-12-07T17:25:09Z|${cursor.id}`))).toBeNull();
    expect(decodeTokenCursor(encode(`${cursor.createdAt}|not-a-uuid`))).toBeNull();
    expect(decodeTokenCursor(encode(`${cursor.createdAt}|${cursor.id}|extra`))).toBeNull();
    expect(decodeTokenCursor(encode(`${cursor.createdAt}'; drop table tokens; --|${cursor.id}`))).toBeNull();
  });
});
