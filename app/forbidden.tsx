import Link from "next/link";

/** Rendered with HTTP 403 when a signed-in user opens a page their role does not allow. */
export default function Forbidden() {
  return (
    <div className="grid min-h-screen place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-red-600">403 · Forbidden</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">You don&apos;t have access to this page</h1>
        <p className="mt-2 text-sm text-slate-600">
          Your role does not allow it. If you need access, ask a Warden admin to add you to the right group in your identity provider.
        </p>
        <Link href="/" className="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
          Back to the overview
        </Link>
      </div>
    </div>
  );
}
