import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PolicyEditor } from "@/components/policy-editor/policy-editor";
import { parsePolicyEditorTab } from "@/components/policy-editor/policy-editor-tabs";
import { requirePageRole } from "@/lib/server/auth/guards";
import { getConnection } from "@/lib/server/connections/list-connections";
import { getDb } from "@/lib/server/db";
import { getCurrentPolicy } from "@/lib/server/policies/get-current-policy";

export const metadata: Metadata = { title: "Policy" };

type PolicyPageProps = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ tab?: string | string[] }>;
};

export default async function PolicyPage({ params, searchParams }: PolicyPageProps) {
  const { id } = await params;
  await requirePageRole(["admin"], `/connections/${id}/policy`);
  const db = getDb();
  // Loaded here so the editor opens on the policy in force at first paint and an unknown id is a real 404.
  const connection = await getConnection(db, id);
  if (!connection) notFound();
  const policy = await getCurrentPolicy(db, id);
  const { tab } = await searchParams;
  return <PolicyEditor connection={{ id: connection.id, name: connection.name }} initialPolicy={policy} initialTab={parsePolicyEditorTab(tab)} />;
}
