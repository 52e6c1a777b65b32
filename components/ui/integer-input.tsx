"use client";

import { useState, type ComponentProps } from "react";
import { Input } from "./input";

/** "" -> null; "12" -> 12; anything else -> NaN, which validation reports as "Enter a whole number." */
export function parseInteger(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

const textOf = (value: number | null) => (value === null || Number.isNaN(value) ? "" : String(value));

type IntegerInputProps = Omit<ComponentProps<"input">, "value" | "onChange" | "type"> & { value: number | null; onChange: (next: number | null) => void };

/**
 * A whole-number field that keeps what was typed (an empty box stays empty instead of snapping to 0)
 * and hands the parent a number, null when empty, or NaN when it is not a whole number.
 */
export function IntegerInput({ value, onChange, ...rest }: IntegerInputProps) {
  const [text, setText] = useState(() => textOf(value));
  const parsed = parseInteger(text);
  const isInSync = parsed === value || (Number.isNaN(parsed) && Number.isNaN(value));
  if (!isInSync && text !== textOf(value)) setText(textOf(value));
  return (
    <Input
      {...rest}
      inputMode="numeric"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseInteger(e.target.value));
      }}
    />
  );
}
