import clsx from "clsx";
import type { ComponentProps } from "react";
import { controlClassName } from "./control-styles";

/** A native select: keyboard, screen reader and mobile behaviour come for free. */
export function Select({ className, children, ...rest }: ComponentProps<"select">) {
  return (
    <select className={clsx(controlClassName, "h-9 pr-8", className)} {...rest}>
      {children}
    </select>
  );
}
