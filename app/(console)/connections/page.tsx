import type { Metadata } from "next";
import { ConnectionsTable } from "@/components/connections/connections-table";
import { ButtonLink } from "@/components/ui/button-link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  await requirePageRole(["admin"], "/connections");
  return (
    <>
      <PageHeader
        title="Connections"
        description="The databases people and agents reach through the gateway. Credentials are stored encrypted and never shown again."
        actions={
          <ButtonLink href="/connections/new" variant="primary">
            New connection
          </ButtonLink>
        }
      />
      <ConnectionsTable />
    </>
  );
}
