import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "@/proxy/tls/self-signed-certificate";
import { readOrCreateCertificate } from "./warden-files";

describe("the embedded PostgreSQL's certificate", () => {
  it("is made once and reused, so the CA stored on the demo connection stays valid across starts", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-files-"));
    try {
      let made = 0;
      const make = () => (made++, createSelfSignedCertificate());
      const first = readOrCreateCertificate(dir, make);
      const second = readOrCreateCertificate(dir, make);
      expect(made).toBe(1);
      expect(second).toEqual(first);
      expect(fs.statSync(path.join(dir, "pg-tls.key")).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
