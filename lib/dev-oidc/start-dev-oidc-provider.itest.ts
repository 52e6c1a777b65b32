import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCookieJar } from "./cookie-jar";
import { DEMO_USERS } from "./demo-users";
import { obtainIdToken, obtainTokens } from "./obtain-id-token";
import { startDevOidcProvider, type DevOidcProvider } from "./start-dev-oidc-provider";

const CLIENT_ID = "warden-console";
const CLIENT_SECRET = "test-client-secret";
const PASSWORD = "demo-password-for-tests";
// Nothing listens here: the flow stops at the redirect and reads the code from its URL.
const REDIRECT_URI = "http://localhost:3999/api/auth/callback/oidc";
const POST_LOGOUT_URI = "http://localhost:3999/signed-out";

/** The issuer URL names the port, so it must be known before listening: borrow a free one. */
async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return address.port;
}

describe("development OpenID provider", () => {
  let dir: string;
  let jwksFile: string;
  let port: number;
  let provider: DevOidcProvider;

  const start = () =>
    startDevOidcProvider({
      port,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: [POST_LOGOUT_URI],
      password: PASSWORD,
      jwksFile,
    });

  const signIn = (email: string, password = PASSWORD, extra: Partial<Parameters<typeof obtainIdToken>[0]> = {}) =>
    obtainIdToken({
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      email,
      password,
      ...extra,
    });

  const verify = (idToken: string) =>
    jwtVerify(idToken, createRemoteJWKSet(new URL(`${provider.issuer}/jwks`)), {
      issuer: provider.issuer,
      audience: CLIENT_ID,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "warden-dev-oidc-"));
    jwksFile = join(dir, "nested", "dev-oidc-jwks.json");
    port = await findFreePort();
    provider = await start();
  });

  afterAll(async () => {
    await provider?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves a discovery document for its issuer with the scopes and claims Warden uses", async () => {
    expect(provider.issuer).toBe(`http://localhost:${port}`);
    const response = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = await response.json();
    expect(discovery.issuer).toBe(provider.issuer);
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(["openid", "email", "profile", "groups"]));
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(["email", "email_verified", "name", "groups"]));
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["client_secret_basic", "client_secret_post"]),
    );
    expect(discovery.end_session_endpoint).toBe(`${provider.issuer}/session/end`);
  });

  it("shows the demo sign-in page", async () => {
    const authorize = new URL(`${provider.issuer}/auth`);
    authorize.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: "code",
      scope: "openid",
      redirect_uri: REDIRECT_URI,
    }).toString();
    const redirect = await fetch(authorize, { redirect: "manual" });
    expect(redirect.status).toBe(303);
    const cookie = redirect.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
    const page = await fetch(new URL(redirect.headers.get("location")!, authorize), { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>Warden demo sign-in</title>");
    expect(html).toMatch(/<label for="email">Email<\/label>/);
    expect(html).toMatch(/<label for="password">Password<\/label>/);
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    for (const user of DEMO_USERS) expect(html).toContain(user.email);
    expect(html).not.toContain("Wrong email or password.");
  });

  it("issues a verifiable ID token carrying email, name and groups", async () => {
    const idToken = await signIn("dev@example.com");
    const { payload, protectedHeader } = await verify(idToken);
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.sub).toBe("dev@example.com");
    expect(payload.email).toBe("dev@example.com");
    expect(payload.email_verified).toBe(true);
    expect(payload.name).toBe("Dev Developer");
    expect(payload.groups).toEqual(["developer"]);
  });

  it("returns the same claims from userinfo", async () => {
    const { accessToken } = await obtainTokens({
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      email: "reviewer@example.com",
      password: PASSWORD,
    });
    const response = await fetch(`${provider.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sub: "reviewer@example.com",
      email: "reviewer@example.com",
      email_verified: true,
      name: "Rita Reviewer",
      groups: ["reviewer"],
    });
  });

  it("accepts client_secret_post at the token endpoint too, and a differently cased email", async () => {
    const idToken = await signIn("Admin@Example.com", PASSWORD, { tokenEndpointAuthMethod: "client_secret_post" });
    const { payload } = await verify(idToken);
    expect(payload.email).toBe("admin@example.com");
    expect(payload.groups).toEqual(["admin"]);
  });

  it("refuses a wrong password and an unknown email with a clear message", async () => {
    await expect(signIn("dev@example.com", "not-the-password")).rejects.toThrow(
      "Sign-in as dev@example.com was refused: Wrong email or password.",
    );
    await expect(signIn("nobody@example.com")).rejects.toThrow(/refused: Wrong email or password\./);
  });

  it("refuses a wrong client secret at the token endpoint", async () => {
    await expect(
      obtainIdToken({
        issuer: provider.issuer,
        clientId: CLIENT_ID,
        clientSecret: "wrong-secret",
        redirectUri: REDIRECT_URI,
        email: "dev@example.com",
        password: PASSWORD,
      }),
    ).rejects.toThrow(/token endpoint refused the code \(HTTP 401\): invalid_client/);
  });

  it("signs out through end_session straight to the registered post-logout URI", async () => {
    const jar = createCookieJar();
    const idToken = await signIn("reviewer@example.com", PASSWORD, { cookieJar: jar });

    const endSession = new URL(`${provider.issuer}/session/end`);
    endSession.search = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: "after-logout",
    }).toString();
    const logoutPage = await fetch(endSession, { headers: { cookie: jar.headerFor(endSession)! } });
    expect(logoutPage.status).toBe(200);
    const html = await logoutPage.text();
    // No confirmation click: the page submits itself, asking for a full sign-out.
    expect(html).toContain("document.forms[0].submit()");
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1];
    const form = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(form.get("logout")).toBe("yes");

    const confirmUrl = new URL(action, endSession);
    const confirm = await fetch(confirmUrl, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.headerFor(confirmUrl)! },
      body: form,
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=after-logout`);
    jar.storeFrom(confirmUrl, confirm);

    // The provider session is gone: a silent sign-in now needs the login form again.
    const silent = new URL(`${provider.issuer}/auth`);
    silent.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: "code",
      scope: "openid",
      redirect_uri: REDIRECT_URI,
      prompt: "none",
    }).toString();
    const silentCookie = jar.headerFor(silent);
    const answer = await fetch(silent, { redirect: "manual", headers: silentCookie ? { cookie: silentCookie } : {} });
    expect(new URL(answer.headers.get("location")!).searchParams.get("error")).toBe("login_required");
  });

  it("refuses to listen anywhere but loopback", async () => {
    const everywhere = startDevOidcProvider({
      host: "0.0.0.0",
      port: await findFreePort(),
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [REDIRECT_URI],
      password: PASSWORD,
      jwksFile,
    });
    await expect(everywhere).rejects.toThrow(/only listens on a loopback address \(got "0\.0\.0\.0"\)/);
  });

  it("keeps its signing key across restarts, in a private file, so earlier tokens stay valid", async () => {
    const before = await signIn("auditor@example.com");
    const stored = JSON.parse(await readFile(jwksFile, "utf8"));
    const kid = stored.keys[0].kid;
    expect(decodeProtectedHeader(before).kid).toBe(kid);
    expect((await stat(jwksFile)).mode & 0o777).toBe(0o600);

    await provider.close();
    provider = await start();

    const jwks = await (await fetch(`${provider.issuer}/jwks`)).json();
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toEqual([kid]);
    // The public JWKS must never leak the private parts of the key.
    expect(jwks.keys[0].d).toBeUndefined();
    const { payload } = await verify(before);
    expect(payload.email).toBe("auditor@example.com");
    expect(decodeProtectedHeader(await signIn("auditor@example.com")).kid).toBe(kid);
  });
});
