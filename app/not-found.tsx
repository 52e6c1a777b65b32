import Link from "next/link";

export default function NotFound() {
  return (
    <div className="grid min-h-screen place-items-center px-4 text-center">
      <div>
        <p className="text-sm font-semibold text-slate-500">404</p>
        <h1 className="mt-2 text-2xl font-semibold">Page not found</h1>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">Back to the overview</Link>
      </div>
    </div>
  );
}
