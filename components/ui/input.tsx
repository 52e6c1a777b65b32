import clsx from "clsx";
import type { ComponentProps } from "react";
import { controlClassName } from "./control-styles";

export function Input({ className, type = "text", ...rest }: ComponentProps<"input">) {
  return <input type={type} className={clsx(controlClassName, "h-9", className)} {...rest} />;
}
