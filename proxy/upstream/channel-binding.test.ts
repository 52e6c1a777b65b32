import { createHash, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../tls/self-signed-certificate";
import { ChannelBindingUnsupported, signatureAlgorithmOid, tlsServerEndPoint } from "./channel-binding";

/** A minimal Certificate DER: SEQUENCE { tbs SEQUENCE, AlgorithmIdentifier { OID }, BIT STRING }. */
function fakeCertificate(oidDer: number[]): Buffer {
  const tbs = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
  const alg = Buffer.from([0x30, oidDer.length + 2, 0x06, oidDer.length, ...oidDer]);
  const sig = Buffer.from([0x03, 0x02, 0x00, 0x01]);
  const body = Buffer.concat([tbs, alg, sig]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const OIDS = {
  sha1WithRSA: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05],
  md5WithRSA: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04],
  sha384WithRSA: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c],
  ecdsaSha512: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04],
  ed25519: [0x2b, 0x65, 0x70],
};

describe("tls-server-end-point (RFC 5929)", () => {
  it("hashes an ECDSA-SHA256 certificate with SHA-256", () => {
    const der = new X509Certificate(createSelfSignedCertificate().certPem).raw;
    expect(signatureAlgorithmOid(der)).toBe("1.2.840.10045.4.3.2");
    expect(tlsServerEndPoint(der)).toEqual(createHash("sha256").update(der).digest());
  });

  it("replaces MD5 and SHA-1 with SHA-256, and keeps stronger hashes", () => {
    for (const oid of [OIDS.sha1WithRSA, OIDS.md5WithRSA]) {
      const der = fakeCertificate(oid);
      expect(tlsServerEndPoint(der)).toEqual(createHash("sha256").update(der).digest());
    }
    const d384 = fakeCertificate(OIDS.sha384WithRSA);
    expect(tlsServerEndPoint(d384)).toEqual(createHash("sha384").update(d384).digest());
    const d512 = fakeCertificate(OIDS.ecdsaSha512);
    expect(tlsServerEndPoint(d512)).toEqual(createHash("sha512").update(d512).digest());
  });

  it("refuses a signature algorithm without a defined hash, and garbage, instead of guessing", () => {
    expect(() => tlsServerEndPoint(fakeCertificate(OIDS.ed25519))).toThrow(ChannelBindingUnsupported);
    expect(() => tlsServerEndPoint(Buffer.from([0x30, 0x80]))).toThrow(ChannelBindingUnsupported);
    expect(() => tlsServerEndPoint(Buffer.alloc(0))).toThrow(ChannelBindingUnsupported);
  });
});
