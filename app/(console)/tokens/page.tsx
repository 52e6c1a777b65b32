import type { Metadata } from "next";
import { AllTokensPanel } from "@/components/tokens/all-tokens-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";
import { listConnections } from "@/lib/server/connections/list-connections";
import { getDb } from "@/lib/server/db";

export const metadata: Metadata = { title: "Tokens" };

export default async function TokensPage() {
  await requirePageRole(["admin"], "/tokens");
  const connections = (await listConnections(getDb())).map(({ id, name, description }) => ({ id, name, description }));
  return (
    <>
      <PageHeader title="Tokens" description="Every Warden token: who holds it, for which connection, whether it is still valid. Revoking one ends its sessions within a minute." />
      <AllTokensPanel connections={connections} />
    </>
  );
}
