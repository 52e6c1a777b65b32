import { describe, expect, it } from "vitest";
import { parseGatewayAddress, parseMcpEnv } from "./mcp-env";

describe("warden mcp's environment", () => {
  it("reads host:port, [v6]:port and a bare host", () => {
    expect(parseGatewayAddress("localhost:6432")).toEqual({ host: "localhost", port: 6432 });
    expect(parseGatewayAddress("[::1]:7000")).toEqual({ host: "::1", port: 7000 });
    expect(parseGatewayAddress("gw.example.com")).toEqual({ host: "gw.example.com", port: 6432 });
    expect(parseGatewayAddress("gw:99999")).toBeNull();
    expect(parseGatewayAddress("a b:1")).toBeNull();
  });

  it("names a bad WARDEN_GATEWAY and treats empty values as unset", () => {
    expect(parseMcpEnv({ WARDEN_GATEWAY: "x:y" })).toEqual({ ok: false, problems: [expect.stringMatching(/^WARDEN_GATEWAY must be host:port/)] });
    expect(parseMcpEnv({ WARDEN_TOKEN: " ", WARDEN_USER: "" })).toEqual({ ok: true, env: { WARDEN_TOKEN: undefined, WARDEN_USER: undefined, WARDEN_GATEWAY: undefined, WARDEN_GATEWAY_CA: undefined } });
  });
});
