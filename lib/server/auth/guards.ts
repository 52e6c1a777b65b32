import "server-only";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { NextResponse } from "next/server";
import { hasAnyRole, type Role } from "@/lib/shared/roles";
import { getAuthOptions } from "./auth-options";

export type CurrentUser = { email: string; name: string; groups: string[]; roles: Role[] };

export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user as Partial<CurrentUser> | undefined;
  if (!user?.email) return null;
  return { email: user.email, name: user.name ?? user.email, groups: user.groups ?? [], roles: (user.roles ?? []) as Role[] };
}

/**
 * For pages and layouts: the signed-in user, who must hold one of `roles` (any role when empty).
 * Not signed in: redirect to sign-in. Signed in without the role: Next's 403 page (app/forbidden.tsx).
 */
export async function requirePageRole(roles: readonly Role[] = [], returnTo = "/"): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (roles.length > 0 && !hasAnyRole(user.roles, roles)) forbidden();
  if (roles.length === 0 && user.roles.length === 0) forbidden();
  return user;
}

export type RouteContext<P = Record<string, string>> = { params: Promise<P> };

/** For API route handlers: 401 JSON without a session, 403 JSON without one of `roles`. */
export function withRole<P = Record<string, string>>(
  roles: readonly Role[],
  handler: (req: Request, ctx: { user: CurrentUser; params: P }) => Promise<Response>,
) {
  return async (req: Request, routeCtx: RouteContext<P>): Promise<Response> => {
    const user = await getCurrentUser();
    if (!user) return NextResponse.json({ error: "Sign in first." }, { status: 401 });
    if (!hasAnyRole(user.roles, roles)) {
      return NextResponse.json({ error: `This needs the ${roles.join(" or ")} role.` }, { status: 403 });
    }
    return handler(req, { user, params: (await routeCtx.params) ?? ({} as P) });
  };
}
