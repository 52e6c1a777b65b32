import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("metrics settings", () => {
  it("defaults to 127.0.0.1:9432 and no bearer token", () => {
    const c = parseConfig({});
    expect([c.GATEWAY_METRICS_HOST, c.GATEWAY_METRICS_PORT, c.WARDEN_METRICS_TOKEN]).toEqual(["127.0.0.1", 9432, undefined]);
    expect(parseConfig({ GATEWAY_METRICS_HOST: "" }).GATEWAY_METRICS_HOST).toBe("127.0.0.1");
  });

  it("takes 0 as off, any host to listen on, and a token of 16 characters or more", () => {
    const c = parseConfig({ GATEWAY_METRICS_PORT: "0", GATEWAY_METRICS_HOST: "0.0.0.0", WARDEN_METRICS_TOKEN: "0123456789abcdef" });
    expect([c.GATEWAY_METRICS_HOST, c.GATEWAY_METRICS_PORT, c.WARDEN_METRICS_TOKEN]).toEqual(["0.0.0.0", 0, "0123456789abcdef"]);
  });

  it("names each bad value", () => {
    expect(() => parseConfig({ GATEWAY_METRICS_PORT: "70000" })).toThrow(/GATEWAY_METRICS_PORT must be a port number from 1 to 65535, or 0 to turn it off \(got "70000"\)/);
    expect(() => parseConfig({ GATEWAY_METRICS_HOST: "local host" })).toThrow(/GATEWAY_METRICS_HOST must be a host name or address/);
    expect(() => parseConfig({ WARDEN_METRICS_TOKEN: "short" })).toThrow(/WARDEN_METRICS_TOKEN must be at least 16 characters/);
  });
});
