"use client";

import { useMemo, useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { Card } from "@/components/ui/card";
import { TabList, TabPanel, type TabItem } from "@/components/ui/tabs";
import type { CreatedTokenDto } from "@/lib/shared/contracts/tokens";
import { buildMcpSnippets, MCP_CLIENTS, MCP_TRANSPORTS, mcpEndpointUrl, type McpClient, type McpSnippet } from "@/lib/shared/mcp-snippets";

type McpSetupProps = { created: CreatedTokenDto; consoleUrl: string; gateway: { host: string; port: number } };

const CLIENT_TABS: TabItem<McpClient>[] = (Object.keys(MCP_CLIENTS) as McpClient[]).map((key) => ({ key, label: MCP_CLIENTS[key] }));

/**
 * MCP configuration for a freshly minted agent (or service) token, for Claude Code, Cursor and VS
 * Code Copilot, over HTTP (the console's /api/mcp) and stdio (`warden mcp`). The text comes from
 * lib/shared/mcp-snippets.ts, as the README's does.
 */
export function McpSetup({ created, consoleUrl, gateway }: McpSetupProps) {
  const [client, setClient] = useState<McpClient>("claude-code");
  const { token, tokenInfo } = created;
  const snippets = useMemo(
    () => buildMcpSnippets({ token, userName: tokenInfo.userName, connectionName: tokenInfo.connectionName, consoleUrl, gateway }),
    [token, tokenInfo.userName, tokenInfo.connectionName, consoleUrl, gateway],
  );
  return (
    <div role="region" aria-label="Use it from an AI agent over MCP">
      <Card
        title="Use it from an AI agent over MCP"
        description={`Warden's MCP server gives ${tokenInfo.agentName ?? "the agent"} tools to list tables, describe them, explain, query and execute, all through the gateway: the same policy, masking, approvals and recording as psql.`}
      >
        <TabList label="MCP client" idPrefix="mcp-client" tabs={CLIENT_TABS} selected={client} onSelect={setClient} />
        {CLIENT_TABS.map(({ key }) => (
          <TabPanel key={key} idPrefix="mcp-client" tabKey={key} isSelected={key === client}>
            <div className="space-y-6">
              <SnippetGroup
                heading={`${MCP_TRANSPORTS.http}: nothing to install`}
                explanation={`The agent talks to ${mcpEndpointUrl(consoleUrl)} with the token as its bearer token.`}
                snippets={snippets.filter((s) => s.client === key && s.transport === "http")}
              />
              <SnippetGroup
                heading={`${MCP_TRANSPORTS.stdio}: runs warden mcp on your machine`}
                explanation="Start it where the Warden CLI is installed (a checkout of Warden after npm install). If the gateway's certificate comes from a private CA, add WARDEN_GATEWAY_CA with the path of its PEM file."
                snippets={snippets.filter((s) => s.client === key && s.transport === "stdio")}
              />
            </div>
          </TabPanel>
        ))}
        <p className="mt-5 text-sm text-slate-500">
          These contain the token: keep the files out of version control, or replace the token with your client&apos;s secret input.
        </p>
      </Card>
    </div>
  );
}

function SnippetGroup({ heading, explanation, snippets }: { heading: string; explanation: string; snippets: McpSnippet[] }) {
  return (
    <section>
      <h3 className="text-sm font-semibold text-slate-900">{heading}</h3>
      <p className="mt-0.5 text-sm text-slate-500">{explanation}</p>
      <div className="mt-3 space-y-4">
        {snippets.map((s) => {
          const name = `${MCP_CLIENTS[s.client]} ${MCP_TRANSPORTS[s.transport]} ${s.file ?? "command"}`;
          return (
            <div key={`${s.transport}-${s.file ?? "command"}`}>
              <div className="mb-1.5 flex items-center justify-between gap-3">
                <span className="text-sm text-slate-700">
                  {s.title.replace(s.file ?? "\u0000", "")}
                  {s.file && <code className="font-mono text-slate-900">{s.file}</code>}
                </span>
                <CopyButton text={s.text} label={`Copy ${name}`} />
              </div>
              <pre aria-label={name} className="overflow-x-auto rounded-md border border-slate-200 bg-slate-950 px-3 py-2 font-mono text-xs leading-relaxed text-slate-100">
                {s.text}
              </pre>
            </div>
          );
        })}
      </div>
    </section>
  );
}
