import clsx from "clsx";

type SpinnerProps = {
  /** When set, the spinner is announced as a status with this text; otherwise it is decorative. */
  label?: string;
  size?: "sm" | "md" | "lg";
  className?: string;
};

const SIZES = { sm: "h-3.5 w-3.5", md: "h-5 w-5", lg: "h-8 w-8" } as const;

export function Spinner({ label, size = "md", className }: SpinnerProps) {
  const svg = (
    <svg viewBox="0 0 24 24" fill="none" aria-hidden className={clsx("animate-spin", SIZES[size], className)}>
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="3" className="opacity-25" />
      <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="3" strokeLinecap="round" className="opacity-90" />
    </svg>
  );
  if (!label) return svg;
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-slate-500">
      {svg}
      <span>{label}</span>
    </span>
  );
}
