"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { hasAnyRole, ROLE_LABELS, type Role } from "@/lib/shared/roles";
import { ApprovalsLiveProvider } from "@/components/inbox/approvals-live";
import { NAV_ITEMS } from "./nav-items";
import { PendingApprovalsBadge } from "./pending-approvals-badge";
import { SignOutButton } from "./sign-out-button";

export type ShellUser = { email: string; name: string; roles: Role[] };

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const items = NAV_ITEMS.filter((item) => hasAnyRole(user.roles, item.roles));
  // Reviewers get approvals live on every page: the nav badge counts, the inbox fills by itself.
  const canReview = hasAnyRole(user.roles, ["admin", "reviewer"]);
  const isActive = (href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <ApprovalsLiveProvider isEnabled={canReview}>
      <div className="flex min-h-screen">
        <aside className="flex w-60 shrink-0 flex-col border-r border-slate-200 bg-white">
          <Link href="/" className="flex items-center gap-2 px-5 py-4 text-lg font-semibold tracking-tight text-slate-900">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-brand-600 text-sm font-bold text-white">W</span>
            Warden
          </Link>
          <nav aria-label="Main" className="flex-1 space-y-0.5 px-3">
            {items.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                aria-current={isActive(item.href) ? "page" : undefined}
                className={`flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium ${
                  isActive(item.href) ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                }`}
              >
                {item.label}
                {item.badge === "pendingApprovals" && canReview && <PendingApprovalsBadge />}
              </Link>
            ))}
          </nav>
          <div className="border-t border-slate-200 p-4 text-sm">
            <div className="truncate font-medium text-slate-900" data-testid="current-user">{user.email}</div>
            <div className="mb-3 text-xs text-slate-500">{user.roles.map((r) => ROLE_LABELS[r]).join(", ") || "No role"}</div>
            <SignOutButton />
          </div>
        </aside>
        <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
      </div>
    </ApprovalsLiveProvider>
  );
}
