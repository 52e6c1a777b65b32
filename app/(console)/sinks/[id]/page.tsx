import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SinkDetail } from "@/components/sinks/sink-detail";
import { requirePageRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { getSink } from "@/lib/server/sinks/list-sinks";

export const metadata: Metadata = { title: "Event sink" };

export default async function SinkPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageRole(["admin"], `/sinks/${id}`);
  // Loaded here so the heading has the name at first paint and an unknown id is a real 404.
  const sink = await getSink(getDb(), id);
  if (!sink) notFound();
  return <SinkDetail initialSink={sink} />;
}
