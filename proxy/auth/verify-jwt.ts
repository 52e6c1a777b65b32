import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { eq } from "drizzle-orm";
import { trustedIssuers, type TrustedIssuer } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { FailureReason } from "./sign-in-failure";

export type VerifiedJwt = { issuer: TrustedIssuer; user: string; groups: string[]; expiresAt: Date | null };

/** A JWT that does not sign the user in; `reason` and `message` say why, for the audit trail (the client is told neither). */
export class JwtRejected extends Error {
  override name = "JwtRejected";
  constructor(
    readonly reason: Extract<FailureReason, "jwt_malformed" | "jwt_untrusted_issuer" | "jwt_invalid">,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies JWTs from the trusted issuers in the store: signature against the issuer's JWKS (from
 * `jwks_uri`, or its OpenID discovery document), issuer, audience, expiry; then reads the user and
 * group claims. Key sets are cached per issuer by jose (refetched when an unknown key id appears).
 */
export class JwtVerifier {
  private readonly keySets = new Map<string, { jwks: JWTVerifyGetKey; uri: string }>();

  constructor(
    private readonly db: Db,
    private readonly opts: { clockToleranceSec?: number; fetchTimeoutMs?: number } = {},
  ) {}

  async verify(token: string): Promise<VerifiedJwt> {
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new JwtRejected("jwt_malformed", "the password looks like a JWT but cannot be decoded");
    }
    if (!iss) throw new JwtRejected("jwt_malformed", "the JWT names no issuer (iss)");
    const [issuer] = await this.db.select().from(trustedIssuers).where(eq(trustedIssuers.issuer, iss)).limit(1);
    if (!issuer || !issuer.isEnabled) throw new JwtRejected("jwt_untrusted_issuer", `JWTs from issuer "${iss}" are not trusted by this gateway`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(issuer), {
        issuer: issuer.issuer,
        audience: issuer.audience,
        clockTolerance: this.opts.clockToleranceSec ?? 30,
        requiredClaims: ["exp"],
      }));
    } catch (err) {
      throw new JwtRejected("jwt_invalid", describeJoseError(err));
    }
    const user = payload[issuer.userClaim];
    if (typeof user !== "string" || user === "") throw new JwtRejected("jwt_invalid", `the JWT has no "${issuer.userClaim}" claim naming the user`);
    return { issuer, user, groups: readGroups(payload[issuer.groupsClaim]), expiresAt: payload.exp ? new Date(payload.exp * 1000) : null };
  }

  private async keySet(issuer: TrustedIssuer): Promise<JWTVerifyGetKey> {
    const cached = this.keySets.get(issuer.issuer);
    const uri = issuer.jwksUri ?? cached?.uri ?? (await this.discoverJwksUri(issuer.issuer));
    if (cached && cached.uri === uri) return cached.jwks;
    const jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: this.opts.fetchTimeoutMs ?? 5000 });
    this.keySets.set(issuer.issuer, { jwks, uri });
    return jwks;
  }

  private async discoverJwksUri(issuer: string): Promise<string> {
    const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const doc = (await res.json()) as { jwks_uri?: string };
      if (!doc.jwks_uri) throw new Error("no jwks_uri in the discovery document");
      return doc.jwks_uri;
    } catch (err) {
      throw new JwtRejected("jwt_untrusted_issuer", `the keys of issuer "${issuer}" could not be fetched (${(err as Error).message})`);
    }
  }
}

function readGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === "string");
  if (typeof claim === "string") return claim.split(/[\s,]+/).filter(Boolean);
  return [];
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "the JWT has expired";
  if (err instanceof errors.JWTClaimValidationFailed) return `the JWT's "${err.claim}" claim is not accepted (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return "the JWT's signature does not verify";
  if (err instanceof errors.JWKSNoMatchingKey) return "the JWT was signed with a key the issuer does not publish";
  if (err instanceof errors.JOSEError) return `the JWT is not valid (${err.message})`;
  return `the JWT could not be verified (${(err as Error)?.message ?? err})`;
}
