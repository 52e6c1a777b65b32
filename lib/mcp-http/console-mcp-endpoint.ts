import "server-only";
import type { McpLogger } from "@/lib/mcp/create-warden-mcp-server";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { createMcpHttpEndpoint, type McpHttpEndpoint } from "./create-mcp-http-endpoint";
import { resolveGatewayTarget } from "./gateway-target";

// On globalThis, as the store pool is: the sessions must outlive a dev server's module reloads.
const globalForMcp = globalThis as unknown as { wardenMcpEndpoint?: McpHttpEndpoint };

/** The console process's one MCP endpoint (its sessions live in this process's memory). */
export function getConsoleMcpEndpoint(): McpHttpEndpoint {
  globalForMcp.wardenMcpEndpoint ??= (() => {
    const config = getConfig();
    return createMcpHttpEndpoint({
      db: getDb(),
      secretKey: config.WARDEN_SECRET_KEY,
      gateway: () => resolveGatewayTarget(config),
      consoleUrl: config.PUBLIC_URL,
      log: consoleLogger(config.LOG_LEVEL),
    });
  })();
  return globalForMcp.wardenMcpEndpoint;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

function consoleLogger(level: (typeof LEVELS)[number]): McpLogger {
  const min = LEVELS.indexOf(level);
  const at =
    (l: (typeof LEVELS)[number]) =>
    (message: string, fields?: Record<string, unknown>) => {
      if (LEVELS.indexOf(l) < min) return;
      const line = JSON.stringify({ level: l, at: new Date().toISOString(), component: "console-mcp", message, ...fields });
      if (l === "error" || l === "warn") console.error(line);
      else console.log(line);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
