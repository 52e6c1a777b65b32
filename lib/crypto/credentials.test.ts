import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptCredential, encryptCredential } from "./credentials";

describe("credential encryption", () => {
  const key = randomBytes(32);

  it("round-trips and never contains the plaintext", () => {
    const stored = encryptCredential(key, "s3cret-pässword", "conn-1");
    expect(stored).not.toContain("s3cret");
    expect(decryptCredential(key, stored, "conn-1")).toBe("s3cret-pässword");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptCredential(key, "same", "c")).not.toBe(encryptCredential(key, "same", "c"));
  });

  it("refuses another key, another row, or a tampered ciphertext", () => {
    const stored = encryptCredential(key, "pw", "conn-1");
    expect(() => decryptCredential(randomBytes(32), stored, "conn-1")).toThrow(/WARDEN_SECRET_KEY/);
    expect(() => decryptCredential(key, stored, "conn-2")).toThrow();
    const raw = Buffer.from(stored.slice(3), "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => decryptCredential(key, `v1:${raw.toString("base64")}`, "conn-1")).toThrow();
  });
});
