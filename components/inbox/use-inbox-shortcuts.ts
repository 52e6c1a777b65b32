"use client";

import { useEffect, useRef } from "react";
import { isTypingTarget, shortcutFor, type InboxAction } from "./inbox-shortcuts";

/**
 * Listens for the inbox's single-key shortcuts on the whole page while `isEnabled`. Keys typed into a
 * field stay text, and while a modal dialog is open (the shortcut list, a confirmation) its keys are
 * its own. A handled key's default is prevented, so the "r" that moves focus into the comment box is
 * not also typed into it.
 */
export function useInboxShortcuts(isEnabled: boolean, onAction: (action: InboxAction) => void) {
  const latest = useRef(onAction);
  useEffect(() => {
    latest.current = onAction;
  });
  useEffect(() => {
    if (!isEnabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (!action) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (isTypingTarget(target && { tagName: target.tagName, isContentEditable: target.isContentEditable, type: (target as HTMLInputElement).type })) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      latest.current(action);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [isEnabled]);
}
