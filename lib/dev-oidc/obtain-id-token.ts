import { createHash, randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { createCookieJar, type CookieJar } from "./cookie-jar";

/**
 * Signs a demo user in headlessly and returns their ID token: the authorization code flow with
 * PKCE, driven by `fetch` the way a browser would (manual redirects, cookies, the login form,
 * then the code exchanged at the token endpoint). Tests use it to get real IdP-issued JWTs.
 *
 * It understands the development provider's own login form (`handle-interaction.ts`), not
 * arbitrary identity providers.
 */

export type ObtainIdTokenOptions = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  email: string;
  password: string;
  /** How the client authenticates at the token endpoint; the provider accepts both. */
  tokenEndpointAuthMethod?: "client_secret_basic" | "client_secret_post";
  /** Pass a jar to keep the provider session afterwards (for example to test sign-out). */
  cookieJar?: CookieJar;
};

type Discovery = { authorization_endpoint: string; token_endpoint: string };

/** Redirects and pages in a normal sign-in: authorize, login form, resume, consent, resume. */
const MAX_STEPS = 10;

export async function obtainIdToken(opts: ObtainIdTokenOptions): Promise<string> {
  return (await obtainTokens(opts)).idToken;
}

/** The same sign-in, also returning the access token (for the userinfo endpoint). */
export async function obtainTokens(opts: ObtainIdTokenOptions): Promise<{ idToken: string; accessToken: string }> {
  const jar = opts.cookieJar ?? createCookieJar();
  const discovery = await fetchDiscovery(opts.issuer);
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken();

  const authorizeUrl = new URL(discovery.authorization_endpoint);
  authorizeUrl.search = new URLSearchParams({
    client_id: opts.clientId,
    response_type: "code",
    scope: "openid email profile groups",
    redirect_uri: opts.redirectUri,
    state,
    nonce,
    code_challenge: createHash("sha256").update(codeVerifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();

  const callbackUrl = await signIn(authorizeUrl, opts, jar);
  const code = readAuthorizationResponse(callbackUrl, state, opts.issuer);
  const tokens = await exchangeCode(discovery.token_endpoint, code, codeVerifier, opts);

  // The nonce ties this ID token to this sign-in; a mismatch means something replayed a token.
  if (decodeJwt(tokens.idToken).nonce !== nonce) throw new Error("The ID token's nonce does not match the sign-in request.");
  return tokens;
}

/** Follows the provider until it redirects to the client, posting the login form on the way. */
async function signIn(authorizeUrl: URL, opts: ObtainIdTokenOptions, jar: CookieJar): Promise<URL> {
  const issuerOrigin = new URL(opts.issuer).origin;
  let url = authorizeUrl;
  let response = await send(url, jar, { method: "GET" });
  let hasPostedLogin = false;

  for (let step = 0; step < MAX_STEPS; step++) {
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (isRedirectUri(next, opts.redirectUri)) return next;
      // Only the provider's own pages are followed; the session cookies never go anywhere else.
      if (next.origin !== issuerOrigin) throw new Error(`The sign-in redirected to an unexpected address: ${next.href}`);
      url = next;
      response = await send(url, jar, { method: "GET" });
      continue;
    }

    const html = await response.text();
    const loginAction = findLoginFormAction(html);
    if (!loginAction) {
      throw new Error(`The sign-in stopped at ${url.pathname} (HTTP ${response.status}): ${describePage(html)}`);
    }
    if (hasPostedLogin) {
      throw new Error(`Sign-in as ${opts.email} was refused: ${findErrorMessage(html) ?? `HTTP ${response.status}`}`);
    }
    hasPostedLogin = true;
    url = new URL(loginAction, url);
    response = await send(url, jar, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: opts.email, password: opts.password }).toString(),
    });
  }
  throw new Error(`The sign-in did not reach ${opts.redirectUri} within ${MAX_STEPS} steps.`);
}

function readAuthorizationResponse(callbackUrl: URL, expectedState: string, issuer: string): string {
  const params = callbackUrl.searchParams;
  const error = params.get("error");
  if (error) throw new Error(`The provider refused the sign-in: ${error}${describeError(params.get("error_description"))}`);
  if (params.get("state") !== expectedState) throw new Error("The authorization response's state does not match the request.");
  // RFC 9207: when the provider names itself, it must be the one we asked (mix-up defence).
  const iss = params.get("iss");
  if (iss !== null && iss !== issuer) throw new Error(`The authorization response came from ${iss}, not ${issuer}.`);
  const code = params.get("code");
  if (!code) throw new Error("The authorization response has no code.");
  return code;
}

async function exchangeCode(
  tokenEndpoint: string,
  code: string,
  codeVerifier: string,
  opts: ObtainIdTokenOptions,
): Promise<{ idToken: string; accessToken: string }> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: opts.redirectUri,
    code_verifier: codeVerifier,
  });
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (opts.tokenEndpointAuthMethod === "client_secret_post") {
    body.set("client_id", opts.clientId);
    body.set("client_secret", opts.clientSecret);
  } else {
    // RFC 6749, section 2.3.1: both halves are form-encoded before being joined and base64'd.
    const credentials = `${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }

  const response = await fetch(tokenEndpoint, { method: "POST", headers, body, redirect: "manual" });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new Error(
      `The token endpoint refused the code (HTTP ${response.status}): ${String(json.error ?? "no error code")}` +
        describeError(typeof json.error_description === "string" ? json.error_description : null),
    );
  }
  if (typeof json.id_token !== "string") throw new Error("The token response has no id_token.");
  if (typeof json.access_token !== "string") throw new Error("The token response has no access_token.");
  return { idToken: json.id_token, accessToken: json.access_token };
}

async function fetchDiscovery(issuer: string): Promise<Discovery> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not read ${url} (HTTP ${response.status}).`);
  const json = (await response.json()) as Partial<Discovery>;
  if (typeof json.authorization_endpoint !== "string" || typeof json.token_endpoint !== "string") {
    throw new Error(`${url} names no authorization or token endpoint.`);
  }
  return { authorization_endpoint: json.authorization_endpoint, token_endpoint: json.token_endpoint };
}

async function send(url: URL, jar: CookieJar, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.headerFor(url);
  if (cookie) headers.set("cookie", cookie);
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.storeFrom(url, response);
  return response;
}

function isRedirectUri(url: URL, redirectUri: string): boolean {
  const expected = new URL(redirectUri);
  return url.origin === expected.origin && url.pathname === expected.pathname;
}

function findLoginFormAction(html: string): string | undefined {
  if (!/\bname="password"/.test(html)) return undefined;
  const action = /<form\b[^>]*\baction="([^"]*)"/i.exec(html)?.[1];
  return action === undefined ? undefined : decodeHtml(action);
}

function findErrorMessage(html: string): string | undefined {
  const text = /role="alert"[^>]*>([^<]*)</.exec(html)?.[1];
  return text ? decodeHtml(text.trim()) : undefined;
}

function describePage(html: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1];
  const firstParagraph = /<p\b[^>]*>([^<]*)<\/p>/i.exec(html)?.[1];
  const parts = [title, firstParagraph].filter((text): text is string => Boolean(text?.trim()));
  return parts.map((text) => decodeHtml(text.trim())).join(": ") || "no sign-in form";
}

function describeError(description: string | null): string {
  return description ? ` (${description})` : "";
}

function decodeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function randomToken(): string {
  return randomBytes(32).toString("base64url");
}
