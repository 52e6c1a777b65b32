import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/server/auth/auth-options";
import { getConfig } from "@/lib/server/config";

/**
 * Where to send the browser after the console session ends: the IdP's end_session_endpoint (RP-initiated
 * logout), so the next sign-in asks for credentials instead of silently reusing the IdP session.
 */
export async function GET(req: NextRequest) {
  const config = getConfig();
  const token = await getToken({ req, secret: getAuthOptions().secret });
  const fallback = { url: "/sign-in" };
  if (!token) return NextResponse.json(fallback);
  try {
    const discovery = await fetch(`${config.OIDC_ISSUER}/.well-known/openid-configuration`, { cache: "force-cache" }).then((r) => r.json());
    if (!discovery.end_session_endpoint) return NextResponse.json(fallback);
    const url = new URL(discovery.end_session_endpoint);
    if (token.idToken) url.searchParams.set("id_token_hint", String(token.idToken));
    url.searchParams.set("client_id", config.OIDC_CLIENT_ID);
    url.searchParams.set("post_logout_redirect_uri", `${config.PUBLIC_URL}/sign-in`);
    return NextResponse.json({ url: url.toString() });
  } catch {
    return NextResponse.json(fallback);
  }
}
