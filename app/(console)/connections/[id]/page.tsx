import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConnectionDetail } from "@/components/connections/connection-detail";
import { requirePageRole } from "@/lib/server/auth/guards";
import { getConnectionWithActivity } from "@/lib/server/connections/list-connections";
import { getDb } from "@/lib/server/db";

export const metadata: Metadata = { title: "Connection" };

type ConnectionPageProps = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ tab?: string | string[] }>;
};

export default async function ConnectionPage({ params, searchParams }: ConnectionPageProps) {
  const { id } = await params;
  await requirePageRole(["admin"], `/connections/${id}`);
  // Loaded here so the heading has the name at first paint and an unknown id is a real 404.
  const connection = await getConnectionWithActivity(getDb(), id);
  if (!connection) notFound();
  const { tab } = await searchParams;
  return <ConnectionDetail initialConnection={connection} initialTab={tab === "schema" ? "schema" : "settings"} />;
}
