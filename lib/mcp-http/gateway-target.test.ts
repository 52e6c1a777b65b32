import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveGatewayTarget, SELF_SIGNED_CERT_FILE } from "./gateway-target";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-gw-target-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base = { GATEWAY_HOST: "127.0.0.1", GATEWAY_PORT: 6432, GATEWAY_TLS_CERT: undefined, GATEWAY_TLS_CA: undefined, WARDEN_DATA_DIR: ".warden", PUBLIC_URL: "https://warden.example.com" };
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("resolveGatewayTarget", () => {
  it("reaches a gateway bound to a wildcard address through loopback", () => {
    expect(resolveGatewayTarget({ ...base, GATEWAY_HOST: "0.0.0.0" }, dir)).toMatchObject({ host: "127.0.0.1", port: 6432 });
    expect(resolveGatewayTarget({ ...base, GATEWAY_HOST: "::" }, dir)).toMatchObject({ host: "::1" });
    expect(resolveGatewayTarget({ ...base, GATEWAY_HOST: "gateway" }, dir)).toMatchObject({ host: "gateway" });
  });

  it("trusts the embedded default's self-signed certificate under the data dir", () => {
    fs.mkdirSync(path.join(dir, "data"), { recursive: true });
    fs.writeFileSync(path.join(dir, "data", SELF_SIGNED_CERT_FILE), PEM);
    const target = resolveGatewayTarget({ ...base, WARDEN_DATA_DIR: "data" }, dir);
    expect(target.ca).toBe(PEM);
    expect(target.servername).toBeUndefined();
  });

  it("with GATEWAY_TLS_CERT, trusts that file beside the system's roots and checks the public host name", () => {
    fs.writeFileSync(path.join(dir, "gateway.crt"), PEM);
    const target = resolveGatewayTarget({ ...base, GATEWAY_TLS_CERT: "gateway.crt", WARDEN_DATA_DIR: "data" }, dir);
    expect(target.ca).toContain(PEM);
    expect(target.ca!.length).toBeGreaterThan(PEM.length * 10);
    expect(target.servername).toBe("warden.example.com");
  });

  it("with GATEWAY_TLS_CA, trusts that file rather than GATEWAY_TLS_CERT (a console holds no gateway key)", () => {
    const other = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n";
    fs.writeFileSync(path.join(dir, "ca.crt"), other);
    const target = resolveGatewayTarget({ ...base, GATEWAY_TLS_CA: "ca.crt", GATEWAY_TLS_CERT: "gateway.crt", WARDEN_DATA_DIR: "data" }, dir);
    expect(target.ca).toContain(other);
    expect(target.ca).not.toContain(PEM);
    expect(target.servername).toBe("warden.example.com");
  });

  it("adds no trust of its own when there is no certificate to trust", () => {
    const target = resolveGatewayTarget({ ...base, WARDEN_DATA_DIR: "nowhere" }, dir);
    expect(target.ca).toBeUndefined();
    expect(target.rejectUnauthorized).toBeUndefined();
  });
});
