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
