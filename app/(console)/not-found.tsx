import Link from "next/link";

/** A 404 inside the console: the navigation stays, so the way on is one click away. */
export default function ConsoleNotFound() {
  return (
    <div className="grid place-items-center px-4 py-24 text-center">
      <div>
        <p className="text-sm font-semibold text-slate-500">404</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="mt-2 text-sm text-slate-600">There is nothing at this address. It may have been deleted, or the link is mistyped.</p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">
          Back to the overview
        </Link>
      </div>
    </div>
  );
}
