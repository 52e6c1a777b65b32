import type { Metadata } from "next";
import { PolicyPreview } from "@/components/policy-preview/policy-preview";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";
import { listConnections } from "@/lib/server/connections/list-connections";
import { getDb } from "@/lib/server/db";
import { hasAnyRole } from "@/lib/shared/roles";

export const metadata: Metadata = { title: "Policy preview" };

export default async function PolicyPreviewPage() {
  const user = await requirePageRole(["admin", "reviewer"], "/policy-preview");
  // Names only: reviewers may preview on every connection but not read its settings.
  const connections = (await listConnections(getDb())).map(({ id, name }) => ({ id, name }));
  return (
    <>
      <PageHeader
        title="Policy preview"
        description="How the gateway would classify a statement and what the connection's policy would do with it, for a given sender. Nothing runs."
      />
      <PolicyPreview connections={connections} initialActor={{ userName: user.email, groups: user.groups }} canEditPolicies={hasAnyRole(user.roles, ["admin"])} />
    </>
  );
}
