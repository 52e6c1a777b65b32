import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errors, type InteractionDetails, type Provider } from "oidc-provider";
import { DEMO_USERS, findDemoUser } from "./demo-users";
import { renderLoginPage, renderMessagePage } from "./html-pages";

/**
 * The provider's interaction endpoints, where oidc-provider hands control to us mid-flow:
 *
 * - `GET  /interaction/:uid`       shows the sign-in form, or grants consent without asking
 * - `POST /interaction/:uid/login` checks the demo credentials
 *
 * oidc-provider's own "devInteractions" are switched off: they print debug dumps and are not
 * meant to be seen by anyone. This is plain `node:http`, so the package's Koa stays internal.
 */

export const WRONG_CREDENTIALS_MESSAGE = "Wrong email or password.";

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/;
const MAX_FORM_BYTES = 16 * 1024;

export type InteractionRoute = { uid: string; isLoginSubmit: boolean };

/** The interaction URL oidc-provider redirects to; must agree with `INTERACTION_PATH`. */
export function interactionUrl(uid: string): string {
  return `/interaction/${uid}`;
}

export function matchInteractionRoute(pathname: string): InteractionRoute | undefined {
  const match = INTERACTION_PATH.exec(pathname);
  return match ? { uid: match[1], isLoginSubmit: match[2] !== undefined } : undefined;
}

export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  route: InteractionRoute,
  password: string,
): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    // The cookie decides which interaction this browser is in; a URL naming another one is stale.
    if (details.uid !== route.uid) throw new errors.SessionNotFound("interaction mismatch");

    if (route.isLoginSubmit) {
      if (req.method !== "POST") return sendHtml(res, 405, renderMessagePage("Not allowed", "Use the sign-in form."));
      return await submitLogin(provider, req, res, details, password);
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendHtml(res, 405, renderMessagePage("Not allowed", "Use the sign-in form."));
    }
    switch (details.prompt.name) {
      case "login":
        return sendHtml(res, 200, renderLoginPage({ action: loginAction(details.uid), demoEmails: demoEmails(), email: loginHint(details) }));
      case "consent":
        return await grantConsent(provider, req, res, details);
      default:
        return sendHtml(res, 501, renderMessagePage("Not supported", `The "${details.prompt.name}" step is not supported here.`));
    }
  } catch (error) {
    if (error instanceof errors.SessionNotFound) {
      return sendHtml(
        res,
        400,
        renderMessagePage("Sign-in expired", "This sign-in attempt has expired or was already used. Go back to the console and sign in again."),
      );
    }
    console.error("[dev-oidc] interaction failed:", error);
    if (!res.headersSent) sendHtml(res, 500, renderMessagePage("Something went wrong", "The sign-in could not be completed. See the server log."));
    else res.destroy();
  }
}

async function submitLogin(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  password: string,
): Promise<void> {
  if (details.prompt.name !== "login") throw new errors.SessionNotFound("not a login interaction");
  const form = await readForm(req);
  const email = form.get("email") ?? "";
  const user = findDemoUser(email);
  // Check the password even for an unknown email, so both failures take the same time.
  const isPasswordRight = isSameSecret(form.get("password") ?? "", password);
  if (!user || !isPasswordRight) {
    return sendHtml(
      res,
      401,
      renderLoginPage({ action: loginAction(details.uid), demoEmails: demoEmails(), email, error: WRONG_CREDENTIALS_MESSAGE }),
    );
  }
  // Accounts are identified by email: it is what the gateway and console show and match on.
  await provider.interactionFinished(req, res, { login: { accountId: user.email } }, { mergeWithLastSubmission: false });
}

/**
 * The console is a first-party client, so consent is implied: grant exactly what the provider
 * reports as missing (scopes, claims, resource scopes) and carry on without a page.
 */
async function grantConsent(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
): Promise<void> {
  const accountId = details.session?.accountId;
  if (!accountId) throw new errors.SessionNotFound("consent without a signed-in account");
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  if (!grant) throw new errors.SessionNotFound("grant not found");

  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(" "));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function loginAction(uid: string): string {
  return `${interactionUrl(uid)}/login`;
}

function demoEmails(): string[] {
  return DEMO_USERS.map((user) => user.email);
}

function loginHint(details: InteractionDetails): string | undefined {
  return typeof details.params.login_hint === "string" ? details.params.login_hint : undefined;
}

/** Compares digests so the comparison is constant-time whatever the lengths. */
function isSameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return new URLSearchParams();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // A sign-in form is a few hundred bytes; anything larger is not one.
    if (size > MAX_FORM_BYTES) throw new Error("sign-in form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  // No scripts on these pages, and never framed (the sign-in form must not be clickjacked).
  // No form-action directive: browsers apply it to the redirect back to the console as well.
  res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.setHeader("X-Frame-Options", "DENY");
  res.end(html);
}
