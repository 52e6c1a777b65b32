import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { z } from "zod";

/**
 * The dev provider's RS256 signing key, kept in a file so ID tokens (and the console sessions
 * built on them) stay valid when `npm start` restarts. Generated on first use, then reused.
 */

const privateRsaJwk = z.object({
  kty: z.literal("RSA"),
  kid: z.string().min(1),
  alg: z.literal("RS256"),
  use: z.literal("sig"),
  n: z.string(),
  e: z.string(),
  d: z.string(),
  p: z.string(),
  q: z.string(),
  dp: z.string(),
  dq: z.string(),
  qi: z.string(),
});

const jwksFileContents = z.object({ keys: z.array(privateRsaJwk).min(1) });

export type SigningKeySet = { keys: JWK[] };

export async function loadSigningKeys(jwksFile: string): Promise<SigningKeySet> {
  const existing = await readSigningKeys(jwksFile);
  if (existing) return existing;

  const created = await createSigningKeys();
  // Write to a private temporary file, then hard-link it into place: link() fails if the target
  // exists, so when two processes start at once exactly one key set wins and both use it, and
  // nobody ever reads a half-written file.
  await mkdir(dirname(jwksFile), { recursive: true, mode: 0o700 });
  const temporary = `${jwksFile}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  try {
    await link(temporary, jwksFile);
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = await readSigningKeys(jwksFile);
    if (!winner) throw error;
    return winner;
  } finally {
    await unlink(temporary);
  }
}

async function readSigningKeys(jwksFile: string): Promise<SigningKeySet | undefined> {
  let text: string;
  try {
    text = await readFile(jwksFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  // A damaged file is reported rather than silently replaced: replacing it would quietly
  // invalidate every token signed so far, which is harder to diagnose than this message.
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = jwksFileContents.safeParse(parsed);
  if (!result.success) {
    throw new Error(
      `The development OpenID provider's key file ${jwksFile} is not a valid RS256 private JWK set. ` +
        "Delete it to generate a new one (existing sign-ins will have to sign in again).",
    );
  }
  return result.data;
}

async function createSigningKeys(): Promise<SigningKeySet> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  // The thumbprint is a stable, content-derived kid, so relying parties can cache the JWKS by kid.
  const kid = await calculateJwkThumbprint(jwk);
  return { keys: [{ ...jwk, kid, alg: "RS256", use: "sig" }] };
}
