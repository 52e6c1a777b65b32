import clsx from "clsx";

/** A grey placeholder bar shown while data loads, so the layout does not jump when it arrives. */
export function Skeleton({ className }: { className?: string }) {
  return <span aria-hidden className={clsx("block h-4 animate-pulse rounded bg-slate-200", className)} />;
}
