import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** A secret kept in the data dir (mode 0600), generated on first use and reused afterwards. */
export function readOrCreateSecret(dataDir: string, name: string, make: () => string = () => randomBytes(24).toString("base64url")): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${make()}\n`, { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

/** A number kept in the data dir, such as the port the embedded server got on its first start. */
export function readNumber(dataDir: string, name: string): number | undefined {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) return undefined;
  const n = Number(fs.readFileSync(file, "utf8").trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function writeNumber(dataDir: string, name: string, value: number) {
  fs.writeFileSync(path.join(dataDir, name), `${value}\n`);
}

/**
 * The embedded PostgreSQL's TLS certificate (self-signed for localhost, 127.0.0.1 and ::1), made
 * once and kept in the data dir: the demo connection stores it as its CA, so it must not change
 * on every start.
 */
export function readOrCreateCertificate(dataDir: string, make: () => { certPem: string; keyPem: string }): { certPem: string; keyPem: string } {
  const certFile = path.join(dataDir, "pg-tls.crt");
  const keyFile = path.join(dataDir, "pg-tls.key");
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const made = make();
    fs.writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
    fs.writeFileSync(certFile, made.certPem, { mode: 0o600 });
  }
  return { certPem: fs.readFileSync(certFile, "utf8"), keyPem: fs.readFileSync(keyFile, "utf8") };
}
