"use client";

import clsx from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { hasAnyRole, ROLE_LABELS, type Role } from "@/lib/shared/roles";
import { ApprovalsLiveProvider } from "@/components/inbox/approvals-live";
import { NAV_ITEMS } from "./nav-items";
import { PendingApprovalsBadge } from "./pending-approvals-badge";
import { SignOutButton } from "./sign-out-button";

export type ShellUser = { email: string; name: string; roles: Role[] };

const MENU_ID = "main-menu";

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const items = NAV_ITEMS.filter((item) => hasAnyRole(user.roles, item.roles));
  // Reviewers get approvals live on every page: the nav badge counts, the inbox fills by itself.
  const canReview = hasAnyRole(user.roles, ["admin", "reviewer"]);
  const isActive = (href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`));
  // Below the md breakpoint the sidebar folds into a menu button; from md up the menu is always shown.
  const [isMenuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  // A link followed from the open menu lands on a page the menu would cover: fold it.
  const [shownPath, setShownPath] = useState(pathname);
  if (shownPath !== pathname) {
    setShownPath(pathname);
    setMenuOpen(false);
  }

  // Opened, the menu takes focus (its first link); Escape folds it and gives focus back to the button.
  useEffect(() => {
    if (!isMenuOpen) return;
    menu.current?.querySelector<HTMLElement>("a, button")?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [isMenuOpen]);

  return (
    <ApprovalsLiveProvider isEnabled={canReview}>
      <div className="min-h-screen md:flex">
        <aside className="border-b border-slate-200 bg-white md:flex md:w-60 md:shrink-0 md:flex-col md:border-r md:border-b-0">
          <div className="flex items-center justify-between gap-3 px-4 py-3 md:px-5 md:py-4">
            <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
              <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-brand-600 text-sm font-bold text-white">W</span>
              Warden
            </Link>
            <button
              ref={menuButton}
              type="button"
              aria-expanded={isMenuOpen}
              aria-controls={MENU_ID}
              onClick={() => setMenuOpen((open) => !open)}
              className="inline-flex items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 md:hidden"
            >
              <MenuIcon isOpen={isMenuOpen} />
              Menu
              {canReview && !isMenuOpen && <PendingApprovalsBadge />}
            </button>
          </div>
          <div ref={menu} id={MENU_ID} className={clsx("md:flex md:flex-1 md:flex-col", !isMenuOpen && "max-md:hidden")}>
            <nav aria-label="Main" className="flex-1 space-y-0.5 px-3 pb-2 md:pb-0">
              {items.map((item) => (
                <Link
                  key={item.href}
                  href={item.href}
                  aria-current={isActive(item.href) ? "page" : undefined}
                  onClick={() => setMenuOpen(false)}
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
              <div className="truncate font-medium text-slate-900" data-testid="current-user" title={user.email}>
                {user.email}
              </div>
              <div className="mb-3 text-xs text-slate-500">{user.roles.map((r) => ROLE_LABELS[r]).join(", ") || "No role"}</div>
              <SignOutButton />
            </div>
          </div>
        </aside>
        <main className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-6">{children}</main>
      </div>
    </ApprovalsLiveProvider>
  );
}

function MenuIcon({ isOpen }: { isOpen: boolean }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      {isOpen ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 5h14M3 10h14M3 15h14" />}
    </svg>
  );
}
