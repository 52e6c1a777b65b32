import { createHash } from "node:crypto";

/**
 * tls-server-end-point channel binding data (RFC 5929, section 4.1), as SCRAM-SHA-256-PLUS uses
 * it: the hash of the server's certificate (DER), with the hash of the certificate's own signature
 * algorithm, except that MD5 and SHA-1 are replaced by SHA-256. A certificate whose signature hash
 * cannot be told (Ed25519, RSA-PSS, an unknown OID) is refused rather than guessed: guessing wrong
 * would fail the sign-in anyway, and falling back to SCRAM without binding is what an attacker wants.
 * https://www.postgresql.org/docs/current/sasl-authentication.html#SASL-SCRAM-SHA-256
 */
export function tlsServerEndPoint(certificateDer: Buffer): Buffer {
  return createHash(endPointHash(signatureAlgorithmOid(certificateDer))).update(certificateDer).digest();
}

type EndPointHash = "sha224" | "sha256" | "sha384" | "sha512";

const HASH_BY_SIGNATURE_OID: Record<string, EndPointHash> = {
  "1.2.840.113549.1.1.4": "sha256", // md5WithRSAEncryption -> SHA-256
  "1.2.840.113549.1.1.5": "sha256", // sha1WithRSAEncryption -> SHA-256
  "1.2.840.10045.4.1": "sha256", // ecdsa-with-SHA1 -> SHA-256
  "1.2.840.10040.4.3": "sha256", // dsa-with-sha1 -> SHA-256
  "1.2.840.113549.1.1.14": "sha224", // sha224WithRSAEncryption
  "1.2.840.10045.4.3.1": "sha224", // ecdsa-with-SHA224
  "1.2.840.113549.1.1.11": "sha256", // sha256WithRSAEncryption
  "1.2.840.10045.4.3.2": "sha256", // ecdsa-with-SHA256
  "2.16.840.1.101.3.4.3.2": "sha256", // dsa-with-sha256
  "1.2.840.113549.1.1.12": "sha384", // sha384WithRSAEncryption
  "1.2.840.10045.4.3.3": "sha384", // ecdsa-with-SHA384
  "1.2.840.113549.1.1.13": "sha512", // sha512WithRSAEncryption
  "1.2.840.10045.4.3.4": "sha512", // ecdsa-with-SHA512
};

export class ChannelBindingUnsupported extends Error {
  override name = "ChannelBindingUnsupported";
}

function endPointHash(oid: string): EndPointHash {
  const hash = HASH_BY_SIGNATURE_OID[oid];
  if (!hash) throw new ChannelBindingUnsupported(`the server's certificate signature algorithm (${oid}) has no channel-binding hash`);
  return hash;
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature } (RFC 5280, 4.1). */
export function signatureAlgorithmOid(der: Buffer): string {
  let i = readHeader(der, 0, 0x30).contentStart;
  const tbs = readHeader(der, i, 0x30);
  i = tbs.contentStart + tbs.length;
  i = readHeader(der, i, 0x30).contentStart;
  const oid = readHeader(der, i, 0x06);
  return decodeOid(der.subarray(oid.contentStart, oid.contentStart + oid.length));
}

function readHeader(der: Buffer, at: number, tag: number): { contentStart: number; length: number } {
  if (der[at] !== tag) throw new ChannelBindingUnsupported("the server's certificate could not be read");
  let length = der[at + 1];
  let contentStart = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) throw new ChannelBindingUnsupported("the server's certificate could not be read");
    length = 0;
    for (let k = 0; k < n; k++) length = length * 256 + der[contentStart + k];
    contentStart += n;
  }
  if (contentStart + length > der.length) throw new ChannelBindingUnsupported("the server's certificate could not be read");
  return { contentStart, length };
}

function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new ChannelBindingUnsupported("the server's certificate could not be read");
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}
