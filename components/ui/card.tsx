import clsx from "clsx";
import type { ReactNode } from "react";

type CardProps = {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  tone?: "default" | "danger";
  /** Body padding; tables that run edge to edge pass false. */
  isPadded?: boolean;
  className?: string;
  children: ReactNode;
};

export function Card({ title, description, actions, tone = "default", isPadded = true, className, children }: CardProps) {
  return (
    <section className={clsx("rounded-lg border bg-white shadow-xs", tone === "danger" ? "border-red-200" : "border-slate-200", className)}>
      {(title || actions) && (
        <header
          className={clsx(
            "flex flex-wrap items-start justify-between gap-3 border-b px-5 py-4",
            tone === "danger" ? "border-red-100" : "border-slate-100",
          )}
        >
          <div className="min-w-0">
            {title && <h2 className={clsx("text-base font-semibold", tone === "danger" ? "text-red-700" : "text-slate-900")}>{title}</h2>}
            {description && <p className="mt-0.5 text-sm text-slate-500">{description}</p>}
          </div>
          {actions && <div className="flex items-center gap-2">{actions}</div>}
        </header>
      )}
      <div className={clsx(isPadded && "p-5")}>{children}</div>
    </section>
  );
}
