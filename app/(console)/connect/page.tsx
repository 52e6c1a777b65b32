import type { Metadata } from "next";
import { ConnectPanel } from "@/components/tokens/connect-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { gatewayAddress } from "@/lib/server/tokens/gateway-address";
import { listUsableConnections } from "@/lib/server/tokens/list-usable-connections";
import { ROLES } from "@/lib/shared/config";

export const metadata: Metadata = { title: "Connect" };

export default async function ConnectPage() {
  const user = await requirePageRole(ROLES, "/connect");
  const connections = await listUsableConnections(getDb(), user.email);
  return (
    <>
      <PageHeader
        title="Connect"
        description="Reach a database through the Warden gateway with psql, your IDE or an AI agent, using a short-lived token instead of a database password."
      />
      <ConnectPanel connections={connections} gateway={gatewayAddress(getConfig())} consoleUrl={getConfig().PUBLIC_URL} />
    </>
  );
}
