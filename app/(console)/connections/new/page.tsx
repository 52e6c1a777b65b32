import type { Metadata } from "next";
import { NewConnectionForm } from "@/components/connections/new-connection-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";

export const metadata: Metadata = { title: "New connection" };

export default async function NewConnectionPage() {
  await requirePageRole(["admin"], "/connections/new");
  return (
    <>
      <PageHeader
        back={{ href: "/connections", label: "Connections" }}
        title="New connection"
        description="Register a PostgreSQL database. Test it before you save; the password is stored encrypted."
      />
      <NewConnectionForm />
    </>
  );
}
