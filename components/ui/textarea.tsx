import clsx from "clsx";
import type { ComponentProps } from "react";
import { controlClassName } from "./control-styles";

export function Textarea({ className, rows = 3, ...rest }: ComponentProps<"textarea">) {
  return <textarea rows={rows} className={clsx(controlClassName, "resize-y", className)} {...rest} />;
}
