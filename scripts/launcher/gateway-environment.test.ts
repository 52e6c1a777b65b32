import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/shared/config";
import { gatewayEnvironment, type GatewaySettings } from "./gateway-environment";

const settings: GatewaySettings = {
  DATABASE_URL: "postgres://warden:pw@store:5432/warden",
  WARDEN_SECRET_KEY: randomBytes(32),
  GATEWAY_PORT: 7432,
  GATEWAY_HOST: "0.0.0.0",
  GATEWAY_TLS_CERT: undefined,
  GATEWAY_TLS_KEY: undefined,
  GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback",
  GATEWAY_RECORDING_MODE: "async",
  GATEWAY_WORKERS: 3,
  GATEWAY_MAX_PREPARED_STATEMENTS: 7,
  WARDEN_DATA_DIR: "/var/lib/warden",
  LOG_LEVEL: "warn",
};

/** A parent's environment (Next's types make NODE_ENV a required key of ProcessEnv). */
const parent = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe("the gateway process's environment", () => {
  it("parses back into the settings it was written from", () => {
    const config = parseConfig(gatewayEnvironment(settings, parent({})));
    for (const [name, value] of Object.entries(settings)) expect(config[name as keyof typeof config], name).toEqual(value);
    expect(config.WARDEN_SECRET_KEY?.equals(settings.WARDEN_SECRET_KEY)).toBe(true);
  });

  it("does not let the parent's own values through for settings left unset", () => {
    const env = gatewayEnvironment(settings, parent({ GATEWAY_TLS_CERT: "/etc/parent.crt", GATEWAY_TLS_KEY: "/etc/parent.key", GATEWAY_PORT: "1", PATH: "/usr/bin" }));
    expect(env.GATEWAY_TLS_CERT).toBeUndefined();
    expect(env.GATEWAY_TLS_KEY).toBeUndefined();
    expect(env.GATEWAY_PORT).toBe("7432");
    expect(env.PATH).toBe("/usr/bin");
  });

  it("leaves out the react-server condition the launcher and the bench run with", () => {
    const env = gatewayEnvironment(settings, parent({ NODE_OPTIONS: "--conditions=react-server --max-old-space-size=512" }));
    expect(env.NODE_OPTIONS).toBe("--max-old-space-size=512");
  });
});
