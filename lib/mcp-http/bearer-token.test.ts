import { describe, expect, it } from "vitest";
import { readBearerToken } from "./bearer-token";

describe("readBearerToken", () => {
  it("reads the token after the Bearer scheme, whatever its case", () => {
    expect(readBearerToken("Bearer wdn_abc")).toBe("wdn_abc");
    expect(readBearerToken("bearer  wdn_abc ")).toBe("wdn_abc");
  });

  it("has nothing for a missing header, another scheme or an empty token", () => {
    expect(readBearerToken(null)).toBeNull();
    expect(readBearerToken("")).toBeNull();
    expect(readBearerToken("Basic ZGV2OnB3")).toBeNull();
    expect(readBearerToken("Bearer ")).toBeNull();
    expect(readBearerToken("Bearer a b")).toBeNull();
  });
});
