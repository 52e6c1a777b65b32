import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { isIP } from "node:net";
import Provider, { type Configuration } from "oidc-provider";
import { findDemoUser } from "./demo-users";
import { handleInteraction, interactionUrl, matchInteractionRoute } from "./handle-interaction";
import { renderLogoutPage, renderMessagePage } from "./html-pages";
import { loadSigningKeys } from "./load-signing-keys";

/**
 * The OpenID provider `npm start` runs when no OIDC_ISSUER is configured: the demo users, one
 * confidential client (the console), and nothing reachable from outside this machine.
 */

export type DevOidcProviderOptions = {
  /** Loopback address to listen on; anything else is refused. */
  host?: string;
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** The one password every demo user signs in with. */
  password: string;
  /** Where the RS256 signing keys are kept between runs (created with mode 0600). */
  jwksFile: string;
};

export type DevOidcProvider = {
  issuer: string;
  close(): Promise<void>;
};

const SCOPES = ["openid", "email", "profile", "groups"];

export async function startDevOidcProvider(opts: DevOidcProviderOptions): Promise<DevOidcProvider> {
  const host = opts.host ?? "127.0.0.1";
  assertLoopback(host);
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    // Port 0 cannot work: the issuer URL, fixed before listening, has to name the real port.
    throw new Error(`The development OpenID provider needs a fixed port from 1 to 65535 (got ${opts.port}).`);
  }
  if (!opts.password) throw new Error("The development OpenID provider needs a non-empty demo password.");

  // "localhost" rather than the IP: it is what a person types and what the console is configured
  // with, and the issuer must match byte for byte wherever tokens are checked.
  const issuer = `http://localhost:${opts.port}`;
  const provider = new Provider(issuer, buildConfiguration(opts, await loadSigningKeys(opts.jwksFile)));
  // Nothing sits in front of this server, so X-Forwarded-* headers must not be believed.
  provider.proxy = false;
  provider.on("server_error", (_ctx, error) => console.error("[dev-oidc] provider error:", error));

  const handleProviderRequest = provider.callback();
  const server = createServer((req, res) => {
    const route = matchInteractionRoute(new URL(req.url ?? "/", issuer).pathname);
    if (route) void handleInteraction(provider, req, res, route, opts.password);
    else handleProviderRequest(req, res);
  });
  await listen(server, opts.port, host);

  // Idempotent: shutdown paths (signal handlers, test teardown) may both call it.
  let closing: Promise<void> | undefined;
  return {
    issuer,
    close: () => (closing ??= closeServer(server)),
  };
}

function buildConfiguration(opts: DevOidcProviderOptions, jwks: Configuration["jwks"]): Configuration {
  return {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        client_name: "Warden console",
        redirect_uris: opts.redirectUris,
        post_logout_redirect_uris: opts.postLogoutRedirectUris ?? [],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // oidc-provider accepts client_secret_post from a client registered for
        // client_secret_basic (and vice versa), so this one client supports both.
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "RS256",
      },
    ],
    jwks,
    // Random per start: provider sessions then end with the process, which is fine for a dev
    // provider; the console's own session lives on in its cookie and the ID token stays valid.
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    // No offline_access: the console never needs refresh tokens from the dev provider.
    scopes: SCOPES,
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
      groups: ["groups"],
    },
    // next-auth v4 builds its user from the ID token. By default (conform = true) the provider
    // puts scope-granted claims only in userinfo when an access token is issued; off, the ID
    // token carries email, name and groups too.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => {
      const user = findDemoUser(sub);
      if (!user) return undefined;
      return {
        accountId: user.email,
        claims: () => ({
          sub: user.email,
          email: user.email,
          email_verified: true,
          name: user.name,
          groups: [...user.groups],
        }),
      };
    },
    // PKCE is allowed (and checked when sent) but not required of this confidential client.
    pkce: { required: () => false },
    // The console talks to the provider from its server, never from browser JavaScript.
    clientBasedCORS: () => false,
    interactions: { url: (_ctx, interaction) => interactionUrl(interaction.uid) },
    features: {
      // Off: its pages are debugging aids; ours are in handle-interaction.ts.
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Skip the confirmation click when our client sent the person here.
        logoutSource: (ctx, form) => {
          ctx.type = "html";
          ctx.body = renderLogoutPage(form, ctx.oidc.client !== undefined);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = "html";
          ctx.body = renderMessagePage("Signed out", "You are signed out of the Warden demo identity provider.");
        },
      },
    },
    // Explicit lifetimes (the defaults print a notice each start). A working day of sign-in.
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 60 * 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
    },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = renderMessagePage("Sign-in error", out.error_description ?? out.error);
    },
  };
}

function assertLoopback(host: string): void {
  const isLoopback =
    host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
  if (!isLoopback) {
    throw new Error(`The development OpenID provider only listens on a loopback address (got "${host}").`);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Browsers hold keep-alive connections open; without this, close() waits for them to time out.
    server.closeIdleConnections();
  });
}
