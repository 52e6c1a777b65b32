/** The look shared by text inputs, textareas and selects, including their invalid and disabled states. */
export const controlClassName = [
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs",
  "placeholder:text-slate-400",
  "focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30",
  "disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500",
  "aria-[invalid=true]:border-red-500 aria-[invalid=true]:focus:ring-red-500/30",
].join(" ");
