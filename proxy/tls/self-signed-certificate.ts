import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

/**
 * A self-signed certificate for the gateway on the embedded default (localhost, 127.0.0.1, ::1),
 * built with node:crypto alone: Node can sign but not issue certificates, so the few DER structures
 * of an X.509 v3 certificate (RFC 5280) are written here. ECDSA P-256 with SHA-256.
 */
export function createSelfSignedCertificate(opts: { commonName?: string; days?: number; now?: Date; dnsNames?: string[] } = {}): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + (opts.days ?? 3650) * 24 * 60 * 60 * 1000);
  const name = seq(set(seq(oid("2.5.4.3"), utf8(opts.commonName ?? "Warden gateway (self-signed)"))));
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  // `dnsNames` replaces the loopback names (a certificate for another host, in tests of host name checks).
  const subjectAltName = opts.dnsNames
    ? seq(...opts.dnsNames.map((n) => tagged(0x82, Buffer.from(n))))
    : seq(tagged(0x82, Buffer.from("localhost")), tagged(0x87, Buffer.from([127, 0, 0, 1])), tagged(0x87, Buffer.from("00000000000000000000000000000001", "hex")));
  const extensions = seq(
    seq(oid("2.5.29.17"), octets(subjectAltName)),
    // basicConstraints, critical, cA false
    seq(oid("2.5.29.19"), tagged(0x01, Buffer.from([0xff])), octets(seq())),
  );
  const tbs = seq(
    tagged(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    tagged(0xa3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey);
  const certificate = seq(tbs, ecdsaWithSha256, bitString(signature));
  return {
    certPem: pem("CERTIFICATE", certificate),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function tagged(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const seq = (...items: Buffer[]) => tagged(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tagged(0x31, Buffer.concat(items));
const utf8 = (s: string) => tagged(0x0c, Buffer.from(s, "utf8"));
const octets = (b: Buffer) => tagged(0x04, b);
const bitString = (b: Buffer) => tagged(0x03, Buffer.concat([Buffer.from([0]), b]));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && b[i + 1] < 0x80) i++;
  const trimmed = b.subarray(i);
  return tagged(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const bytes = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return tagged(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tagged(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tagged(0x18, Buffer.from(`${iso}Z`));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
