import type { Metadata } from "next";
import { ApprovalsInbox } from "@/components/inbox/approvals-inbox";
import { requirePageRole } from "@/lib/server/auth/guards";

export const metadata: Metadata = { title: "Approvals" };

type ApprovalsPageProps = { searchParams: Promise<{ tab?: string | string[] }> };

export default async function ApprovalsPage({ searchParams }: ApprovalsPageProps) {
  const user = await requirePageRole(["reviewer", "admin"], "/approvals");
  const { tab } = await searchParams;
  return <ApprovalsInbox reviewer={{ email: user.email, groups: user.groups }} initialTab={tab === "history" ? "decided" : "pending"} />;
}
