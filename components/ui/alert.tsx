import clsx from "clsx";
import type { ReactNode } from "react";

export type AlertTone = "info" | "success" | "warning" | "danger";

const TONES: Record<AlertTone, string> = {
  info: "border-brand-100 bg-brand-50 text-brand-700",
  success: "border-emerald-200 bg-emerald-50 text-emerald-800",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  danger: "border-red-200 bg-red-50 text-red-800",
};

type AlertProps = { tone?: AlertTone; title?: ReactNode; actions?: ReactNode; className?: string; children?: ReactNode };

/** An inline message; errors are announced at once (role=alert), everything else politely (role=status). */
export function Alert({ tone = "info", title, actions, className, children }: AlertProps) {
  return (
    <div role={tone === "danger" ? "alert" : "status"} className={clsx("flex items-start gap-3 rounded-md border px-4 py-3 text-sm", TONES[tone], className)}>
      <div className="min-w-0 flex-1">
        {title && <p className="font-semibold">{title}</p>}
        {children && <div className={clsx("break-words", title && "mt-0.5")}>{children}</div>}
      </div>
      {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
    </div>
  );
}
