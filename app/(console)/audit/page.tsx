import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditLog } from "@/components/audit/audit-log";
import { VerifyChainPanel } from "@/components/audit/verify-chain-panel";
import { PageHeader } from "@/components/ui/page-header";
import { Spinner } from "@/components/ui/spinner";
import { requirePageRole } from "@/lib/server/auth/guards";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  await requirePageRole(["admin", "auditor"], "/audit");
  return (
    <>
      <PageHeader title="Audit log" description="Every console change, session, statement and approval, in order." />
      <VerifyChainPanel />
      {/* The log reads its filters from the query string, which needs a Suspense boundary above it. */}
      <Suspense fallback={<Spinner label="Loading the audit log…" />}>
        <AuditLog />
      </Suspense>
    </>
  );
}
