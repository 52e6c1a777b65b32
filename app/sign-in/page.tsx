import { redirect } from "next/navigation";
import { SignInButton } from "@/components/shell/sign-in-button";
import { getCurrentUser } from "@/lib/server/auth/guards";

export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  OAuthCallback: "The identity provider's answer could not be verified. Try again.",
  OAuthSignin: "The identity provider could not be reached.",
  AccessDenied: "Access was denied.",
  Callback: "Sign-in failed while finishing. Try again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  if (await getCurrentUser()) redirect(safeCallback);
  return (
    <div className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-6 flex items-center gap-2 text-xl font-semibold">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded-md bg-brand-600 text-base font-bold text-white">W</span>
          Warden
        </div>
        <h1 className="mb-1 text-lg font-semibold">Sign in to the console</h1>
        <p className="mb-6 text-sm text-slate-600">Use your organisation&apos;s single sign-on. Your role comes from your groups there.</p>
        {error && (
          <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {ERRORS[error] ?? `Sign-in failed (${error}).`}
          </p>
        )}
        <SignInButton callbackUrl={safeCallback} />
      </div>
    </div>
  );
}
