import { X509Certificate, createPrivateKey } from "node:crypto";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "./self-signed-certificate";

describe("createSelfSignedCertificate", () => {
  it("makes a certificate Node's X.509 parser accepts, signed by its own key, for localhost", () => {
    const { certPem, keyPem } = createSelfSignedCertificate({ now: new Date("2026-01-01T00:00:00Z"), days: 30 });
    const cert = new X509Certificate(certPem);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.subject).toContain("Warden gateway");
    expect(cert.ca).toBe(false);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(new Date("2026-01-30T00:00:00Z").getTime());
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(() => tls.createSecureContext({ cert: certPem, key: keyPem })).not.toThrow();
  });
});
