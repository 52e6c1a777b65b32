"use client";

import { useEffect, useState } from "react";
import { Button } from "./button";

/**
 * Copies `text` to the clipboard and says so for two seconds. Falls back to a hidden textarea where the
 * Clipboard API is missing (a console served over plain http on a non-localhost name).
 */
export function CopyButton({ text, label, size = "sm" }: { text: string; label: string; size?: "sm" | "md" }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      if (navigator.clipboard?.writeText) await navigator.clipboard.writeText(text);
      else copyWithTextarea(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };

  return (
    <Button size={size} onClick={copy} aria-label={label}>
      <span aria-hidden>{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}</span>
      <span className="sr-only" aria-live="polite">
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Could not copy; select the text and copy it by hand" : ""}
      </span>
    </Button>
  );
}

function copyWithTextarea(text: string) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}
