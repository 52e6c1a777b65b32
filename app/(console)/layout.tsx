import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageRole } from "@/lib/server/auth/guards";

export const dynamic = "force-dynamic";

/** Every console page needs a signed-in user; each page checks its own role on the server too. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requirePageRole();
  return (
    <Providers>
      <AppShell user={{ email: user.email, name: user.name, roles: user.roles }}>{children}</AppShell>
    </Providers>
  );
}
