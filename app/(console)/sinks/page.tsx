import type { Metadata } from "next";
import { SinksTable } from "@/components/sinks/sinks-table";
import { ButtonLink } from "@/components/ui/button-link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";

export const metadata: Metadata = { title: "Event sinks" };

export default async function SinksPage() {
  await requirePageRole(["admin"], "/sinks");
  return (
    <>
      <PageHeader
        title="Event sinks"
        description="Where every audit event goes, in order and at least once: SIEM webhooks, JSON-lines files, standard output. Sinks set by WARDEN_SINK_* variables are listed read-only."
        actions={
          <ButtonLink href="/sinks/new" variant="primary">
            New sink
          </ButtonLink>
        }
      />
      <SinksTable />
    </>
  );
}
