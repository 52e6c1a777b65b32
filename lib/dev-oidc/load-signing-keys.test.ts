import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSigningKeys } from "./load-signing-keys";

describe("loadSigningKeys", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "warden-dev-oidc-keys-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lets processes starting at the same moment agree on one key and leaves no temporary files", async () => {
    const file = join(dir, "keys.json");
    const sets = await Promise.all([loadSigningKeys(file), loadSigningKeys(file), loadSigningKeys(file)]);
    const kids = sets.map((set) => set.keys[0].kid);
    expect(new Set(kids).size).toBe(1);
    expect((await loadSigningKeys(file)).keys[0].kid).toBe(kids[0]);
    expect(await readdir(dir)).toEqual(["keys.json"]);
  });

  it("refuses a damaged key file with a message that says what to do", async () => {
    const file = join(dir, "keys.json");
    await writeFile(file, JSON.stringify({ keys: [{ kty: "RSA", kid: "x" }] }));
    await expect(loadSigningKeys(file)).rejects.toThrow(/keys\.json is not a valid RS256 private JWK set\. Delete it/);
    await writeFile(file, "{not json");
    await expect(loadSigningKeys(file)).rejects.toThrow(/Delete it/);
  });
});
