"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { TabList, TabPanel, type TabItem } from "@/components/ui/tabs";
import { useConnection } from "@/lib/client/connections";
import type { ConnectionWithActivityDto } from "@/lib/shared/contracts/connections";
import { ConnectionHealthSummary, SessionCounts } from "./connection-health";
import { ConnectionSettings } from "./connection-settings";
import { DeleteConnectionSection } from "./delete-connection-section";
import { SchemaBrowser } from "./schema-browser";

export type ConnectionTab = "settings" | "schema";

const TABS: TabItem<ConnectionTab>[] = [
  { key: "settings", label: "Settings" },
  { key: "schema", label: "Schema" },
];

type ConnectionDetailProps = { initialConnection: ConnectionWithActivityDto; initialTab: ConnectionTab };

export function ConnectionDetail({ initialConnection, initialTab }: ConnectionDetailProps) {
  const { data: connection = initialConnection, error } = useConnection(initialConnection.id, initialConnection);
  const [tab, setTab] = useState(initialTab);
  // The schema is read from the target over the network: only once the admin asks for it, then kept mounted.
  const [hasOpenedSchema, setOpenedSchema] = useState(initialTab === "schema");

  const selectTab = (next: ConnectionTab) => {
    setTab(next);
    if (next === "schema") setOpenedSchema(true);
    // Keep the tab in the address so a reload or a shared link opens the same view.
    window.history.replaceState(null, "", next === "schema" ? "?tab=schema" : window.location.pathname);
  };

  return (
    <>
      <PageHeader
        back={{ href: "/connections", label: "Connections" }}
        title={connection.name}
        description={<span className="font-mono">{`${connection.username}@${connection.host}:${connection.port}/${connection.database}`}</span>}
        actions={<ButtonLink href={`/connections/${connection.id}/policy`}>Policy</ButtonLink>}
      />
      {error && (
        <Alert tone="warning" className="mb-5">
          {error.message}
        </Alert>
      )}
      <Card className="mb-5 max-w-3xl" isPadded={false}>
        <dl className="grid gap-4 p-5 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <div>
            <dt className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Health</dt>
            <dd>
              <ConnectionHealthSummary health={connection.health} />
            </dd>
          </div>
          <div>
            <dt className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Sessions</dt>
            <dd>
              <SessionCounts connectionId={connection.id} counts={connection.sessionCounts} />
            </dd>
          </div>
        </dl>
      </Card>
      <TabList label="Connection" idPrefix="connection" tabs={TABS} selected={tab} onSelect={selectTab} />
      <TabPanel idPrefix="connection" tabKey="settings" isSelected={tab === "settings"}>
        <Card title="Settings" description={`Created by ${connection.createdBy}.`} className="max-w-3xl">
          <ConnectionSettings connection={connection} />
        </Card>
      </TabPanel>
      <TabPanel idPrefix="connection" tabKey="schema" isSelected={tab === "schema"}>
        {hasOpenedSchema && <SchemaBrowser connection={connection} />}
      </TabPanel>
      <div className="mt-8 max-w-3xl">
        <DeleteConnectionSection connection={connection} />
      </div>
    </>
  );
}
