"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

/** Ends the console session, then the IdP's (so the next sign-in asks for credentials again). */
export function SignOutButton() {
  const [isPending, setPending] = useState(false);
  const onClick = async () => {
    setPending(true);
    const idpLogout = await fetch("/api/session/end-session-url").then((r) => (r.ok ? r.json() : null)).catch(() => null);
    await signOut({ redirect: false });
    window.location.href = idpLogout?.url ?? "/sign-in";
  };
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={isPending}
      className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
    >
      {isPending ? "Signing out…" : "Sign out"}
    </button>
  );
}
