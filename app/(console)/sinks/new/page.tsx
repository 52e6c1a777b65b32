import type { Metadata } from "next";
import { NewSinkForm } from "@/components/sinks/new-sink-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";

export const metadata: Metadata = { title: "New event sink" };

export default async function NewSinkPage() {
  await requirePageRole(["admin"], "/sinks/new");
  return (
    <>
      <PageHeader
        back={{ href: "/sinks", label: "Event sinks" }}
        title="New event sink"
        description="Send a test event before you save; the signing secret is stored encrypted and never shown again."
      />
      <NewSinkForm />
    </>
  );
}
