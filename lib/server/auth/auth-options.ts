import "server-only";
import type { NextAuthOptions } from "next-auth";
import { deriveKey } from "@/lib/crypto/credentials";
import { rolesForGroups } from "@/lib/shared/roles";
import { getConfig } from "../config";
import { recordSignIn, recordSignOut } from "./record-sign-in";

type OidcProfile = { sub: string; email?: string; name?: string; preferred_username?: string } & Record<string, unknown>;

let cached: NextAuthOptions | undefined;

/** The groups claim as a list of strings, whether the IdP sends a list or a single string. */
function groupsOf(profile: OidcProfile, claim: string): string[] {
  const raw = profile[claim];
  return Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? [raw] : [];
}

/** next-auth (v4) with one OpenID Connect provider: the local demo IdP or the configured OIDC_ISSUER. */
export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = getConfig();
  const groupsClaim = config.OIDC_GROUPS_CLAIM;
  cached = {
    secret: deriveKey(config.WARDEN_SECRET_KEY, "warden/console-session/v1").toString("hex"),
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      {
        id: "oidc",
        name: "Single sign-on",
        type: "oauth",
        wellKnown: `${config.OIDC_ISSUER}/.well-known/openid-configuration`,
        clientId: config.OIDC_CLIENT_ID,
        clientSecret: config.OIDC_CLIENT_SECRET,
        authorization: { params: { scope: "openid email profile groups" } },
        idToken: true,
        checks: ["pkce", "state"],
        profile(profile: OidcProfile) {
          const email = String(profile.email ?? profile.preferred_username ?? profile.sub).toLowerCase();
          // next-auth hands this mapped profile (not the raw claims) to events.signIn, so it carries the groups.
          return { id: profile.sub, email, name: profile.name ?? email, groups: groupsOf(profile, groupsClaim) };
        },
      },
    ],
    callbacks: {
      async jwt({ token, profile, account }) {
        if (profile && account) {
          const groups = groupsOf(profile as OidcProfile, groupsClaim);
          token.groups = groups;
          token.roles = rolesForGroups(groups, config.WARDEN_ROLE_GROUPS);
          token.idToken = account.id_token;
          token.email = String(token.email ?? "").toLowerCase();
        }
        return token;
      },
      async session({ session, token }) {
        return {
          ...session,
          user: {
            email: token.email ?? "",
            name: token.name ?? token.email ?? "",
            groups: (token.groups as string[]) ?? [],
            roles: (token.roles as string[]) ?? [],
          },
        };
      },
    },
    events: {
      async signIn({ user }) {
        const groups = ((user as { groups?: string[] }).groups ?? []).map(String);
        await recordSignIn({
          email: String(user.email ?? "").toLowerCase(),
          name: user.name ?? null,
          subject: user.id ?? null,
          groups,
          roles: rolesForGroups(groups, config.WARDEN_ROLE_GROUPS),
        });
      },
      async signOut({ token }) {
        if (token?.email) await recordSignOut(String(token.email));
      },
    },
  };
  return cached;
}
