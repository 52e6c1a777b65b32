"use client";

import { useState, type ComponentProps } from "react";
import { Input } from "./input";

/** "a, b\nc" -> ["a", "b", "c"]: commas or new lines separate items; blanks are dropped. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

type ListInputProps = Omit<ComponentProps<"input">, "value" | "onChange"> & { value: readonly string[]; onChange: (next: string[]) => void };

/**
 * A list of short values (groups, globs) typed as one comma-separated line. The text is kept as typed,
 * so "a, " does not lose its trailing comma mid-word; it is replaced only when the list changes from
 * outside (a discard, the raw JSON view).
 */
export function ListInput({ value, onChange, ...rest }: ListInputProps) {
  const joined = value.join(", ");
  const [text, setText] = useState(joined);
  if (!sameList(parseList(text), value) && text !== joined) setText(joined);
  return (
    <Input
      {...rest}
      value={text}
      autoComplete="off"
      spellCheck={false}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseList(e.target.value));
      }}
    />
  );
}
