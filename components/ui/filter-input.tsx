"use client";

import { useEffect, useRef, useState, type ComponentProps } from "react";
import { Input } from "./input";

type FilterInputProps = Omit<ComponentProps<typeof Input>, "value" | "onChange" | "defaultValue"> & {
  value: string;
  onCommit: (value: string) => void;
  delayMs?: number;
};

/**
 * An input that applies its value after a pause in typing (or on Enter), not on every keystroke. It keeps
 * its own draft so a slow round trip through the URL never rewinds what the user is typing.
 */
export function FilterInput({ value, onCommit, delayMs = 350, onKeyDown, ...rest }: FilterInputProps) {
  const [draft, setDraft] = useState(value);
  const committed = useRef(value);
  const onCommitRef = useRef(onCommit);
  useEffect(() => {
    onCommitRef.current = onCommit;
  });

  // Follow outside changes (Clear filters, the back button), but not the echo of our own commit, which
  // comes back trimmed: "alice " must not lose its space while the user goes on to type "alice smith".
  useEffect(() => {
    if (value.trim() !== committed.current.trim()) {
      committed.current = value;
      setDraft(value);
    }
  }, [value]);

  const commit = (next: string) => {
    committed.current = next;
    onCommitRef.current(next);
  };

  useEffect(() => {
    if (draft === committed.current) return;
    const timer = setTimeout(() => commit(draft), delayMs);
    return () => clearTimeout(timer);
  }, [draft, delayMs]);

  return (
    <Input
      {...rest}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter" && draft !== committed.current) commit(draft);
        onKeyDown?.(e);
      }}
    />
  );
}
