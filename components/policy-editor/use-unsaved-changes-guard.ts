"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

/** Where the admin tried to go while the draft had unsaved changes: a link's URL, or back in history. */
export type PendingLeave = { kind: "link"; href: string } | { kind: "back" };

export type UnsavedChangesGuard = {
  /** Set while the confirmation is open. */
  pending: PendingLeave | null;
  /** Leave after all, dropping the changes. */
  leave: () => void;
  /** Stay on the page with the changes. */
  stay: () => void;
};

/**
 * Asks before unsaved changes are lost. The browser asks itself on unload (reload, closing the tab, a
 * typed URL) through `beforeunload`. Next's app router has no way to block its own navigations, so
 * while `isDirty`:
 * - a click on an internal link is caught in the capture phase on `window`, before React (whose
 *   listeners sit on the document) and Next's <Link> see it, and held until the admin decides;
 * - the back button is caught with a sentinel: one extra history entry for this same page is pushed
 *   when the draft becomes dirty, so Back first lands on the page's own entry; that `popstate` is
 *   caught (capture listeners on the target run before Next's) and, if the admin stays, undone with
 *   `history.forward()`. The sentinel is taken off again when the draft is clean.
 */
export function useUnsavedChangesGuard(isDirty: boolean): UnsavedChangesGuard {
  const router = useRouter();
  const [pending, setPendingState] = useState<PendingLeave | null>(null);
  // Read by leave/stay, so a second call (a dialog's close event after its button) finds nothing to do.
  const pendingRef = useRef<PendingLeave | null>(null);
  const setPending = useCallback((next: PendingLeave | null) => {
    pendingRef.current = next;
    setPendingState(next);
  }, []);
  const isDirtyRef = useRef(isDirty);
  useEffect(() => {
    isDirtyRef.current = isDirty;
  }, [isDirty]);
  const hasSentinel = useRef(false);
  /** A history move of our own whose popstate Next must not see ("swallow"), or one it must ("pass"). */
  const ownMove = useRef<"swallow" | "pass" | null>(null);
  /** The URL to keep when the sentinel is taken off (a tab switch may have changed it since it was pushed). */
  const keepHref = useRef<string | null>(null);
  /** Leaving was confirmed: no new sentinel while the navigation is under way. */
  const isLeaving = useRef(false);

  useEffect(() => {
    if (!isDirty) return;
    // Not again once the admin chose to leave (Back out of the console is an unload too).
    const warn = (event: BeforeUnloadEvent) => {
      if (!isLeaving.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [isDirty]);

  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (!isDirtyRef.current || isLeaving.current || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab or window keeps this one
      const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!(anchor instanceof HTMLAnchorElement) || anchor.hasAttribute("download")) return;
      if (anchor.target && anchor.target !== "_self") return;
      const url = new URL(anchor.href, window.location.href);
      // Another site is a full unload, which beforeunload covers; a link to this very page leaves nothing.
      if (url.origin !== window.location.origin) return;
      if (url.pathname === window.location.pathname && url.search === window.location.search) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      setPending({ kind: "link", href: `${url.pathname}${url.search}${url.hash}` });
    };
    window.addEventListener("click", onClick, { capture: true });
    return () => window.removeEventListener("click", onClick, { capture: true });
  }, []);

  useEffect(() => {
    const onPopState = (event: PopStateEvent) => {
      const move = ownMove.current;
      ownMove.current = null;
      if (move === "pass") return;
      if (move === "swallow") {
        event.stopImmediatePropagation();
        const href = keepHref.current;
        keepHref.current = null;
        if (href && href !== window.location.href) window.history.replaceState(window.history.state, "", href);
        return;
      }
      if (!hasSentinel.current) return;
      // Back from the sentinel onto this page's own entry: Next must not act on it until the admin decides.
      event.stopImmediatePropagation();
      hasSentinel.current = false;
      setPending({ kind: "back" });
    };
    window.addEventListener("popstate", onPopState, { capture: true });
    return () => window.removeEventListener("popstate", onPopState, { capture: true });
  }, []);

  useEffect(() => {
    if (isLeaving.current) return;
    if (isDirty && !hasSentinel.current && pending === null) {
      hasSentinel.current = true;
      window.history.pushState({ wardenUnsavedChanges: true }, "", window.location.href);
    } else if (!isDirty && hasSentinel.current) {
      hasSentinel.current = false;
      ownMove.current = "swallow";
      keepHref.current = window.location.href;
      window.history.back();
    }
  }, [isDirty, pending]);

  const leave = useCallback(() => {
    const target = pendingRef.current;
    if (!target) return;
    setPending(null);
    isLeaving.current = true;
    if (target.kind === "back") {
      // Already on this page's own entry: one more step back is where the admin meant to go.
      ownMove.current = "pass";
      window.history.back();
    } else {
      // The sentinel is a copy of this page: the next page takes its place rather than stacking on it.
      if (hasSentinel.current) {
        hasSentinel.current = false;
        router.replace(target.href);
      } else {
        router.push(target.href);
      }
    }
  }, [router, setPending]);

  const stay = useCallback(() => {
    const target = pendingRef.current;
    if (!target) return;
    setPending(null);
    if (target.kind === "back") {
      // Forward onto the sentinel again, so the next Back is caught too.
      hasSentinel.current = true;
      ownMove.current = "swallow";
      window.history.forward();
    }
  }, [setPending]);

  return { pending, leave, stay };
}
