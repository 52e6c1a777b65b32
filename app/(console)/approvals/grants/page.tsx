import type { Metadata } from "next";
import { GrantsTable } from "@/components/inbox/grants-table";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";

export const metadata: Metadata = { title: "Grants" };

export default async function GrantsPage() {
  await requirePageRole(["reviewer", "admin"], "/approvals/grants");
  return (
    <>
      <PageHeader
        back={{ href: "/approvals", label: "Approvals" }}
        title="Grants"
        description="Statements reviewers approved for a while: the exact statement (same text, same parameters), or where a reviewer chose it, every statement of its shape, from the same user on the same connection runs without waiting until the grant expires."
      />
      <GrantsTable />
    </>
  );
}
