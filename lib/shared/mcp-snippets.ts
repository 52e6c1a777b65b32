/**
 * Ready MCP configuration for a Warden agent token, for each client and transport, as text to paste:
 * the Connect page shows it for a freshly minted token and the README's "Agents over MCP" section is
 * written from it (with placeholders), so the two never disagree. Pure: no I/O, browser-safe.
 */

export type McpSnippetInput = {
  token: string;
  /** The token's user (WARDEN_USER: `warden mcp` then needs no access to the store). */
  userName: string;
  connectionName: string;
  /** PUBLIC_URL: the HTTP endpoint is `${consoleUrl}/api/mcp`; approval links point here too. */
  consoleUrl: string;
  /** Where clients reach the gateway (lib/server/tokens/gateway-address.ts). */
  gateway: { host: string; port: number };
};

export const MCP_CLIENTS = {
  "claude-code": "Claude Code",
  cursor: "Cursor",
  vscode: "VS Code Copilot",
} as const;
export type McpClient = keyof typeof MCP_CLIENTS;

export const MCP_TRANSPORTS = {
  http: "HTTP",
  stdio: "stdio",
} as const;
export type McpTransport = keyof typeof MCP_TRANSPORTS;

export type McpSnippet = {
  client: McpClient;
  transport: McpTransport;
  /** What to do with the text: run it, or put it in this file. */
  title: string;
  /** The file it belongs in, relative to the project, when it is a file. */
  file: string | null;
  language: "shell" | "json";
  text: string;
};

/** The path `warden mcp` is started with. `--no`: never fetch a package of that name from the registry. */
export const STDIO_COMMAND = ["npx", "--no", "warden", "mcp"] as const;

/** The name the agent shows for the server (and prefixes its tools with): warden-<connection>. */
export function mcpServerName(connectionName: string): string {
  const slug = connectionName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `warden-${slug || "db"}`.slice(0, 64);
}

export function mcpEndpointUrl(consoleUrl: string): string {
  return `${consoleUrl.replace(/\/+$/, "")}/api/mcp`;
}

/** The environment `warden mcp` reads (see `npx warden mcp --help`). */
export function stdioEnvironment(input: McpSnippetInput): Record<string, string> {
  return {
    WARDEN_TOKEN: input.token,
    WARDEN_USER: input.userName,
    WARDEN_GATEWAY: `${input.gateway.host.includes(":") ? `[${input.gateway.host}]` : input.gateway.host}:${input.gateway.port}`,
    PUBLIC_URL: input.consoleUrl.replace(/\/+$/, ""),
  };
}

/** Every client's configuration, for both transports, HTTP first (it needs nothing installed). */
export function buildMcpSnippets(input: McpSnippetInput): McpSnippet[] {
  const name = mcpServerName(input.connectionName);
  const url = mcpEndpointUrl(input.consoleUrl);
  const headers = { Authorization: `Bearer ${input.token}` };
  const env = stdioEnvironment(input);
  const args = [...STDIO_COMMAND.slice(1), "--connection", input.connectionName];
  const stdio = { command: STDIO_COMMAND[0], args, env };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  return [
    {
      client: "claude-code",
      transport: "http",
      title: "Run in your project",
      file: null,
      language: "shell",
      // Name and URL before --header: its values are variadic in `claude mcp add`.
      text: `claude mcp add --transport http ${shellQuote(name)} ${shellQuote(url)} --header ${shellQuote(`Authorization: Bearer ${input.token}`)}\n`,
    },
    { client: "claude-code", transport: "http", title: "Or put in .mcp.json", file: ".mcp.json", language: "json", text: json({ mcpServers: { [name]: { type: "http", url, headers } } }) },
    {
      client: "claude-code",
      transport: "stdio",
      title: "Run in your project",
      file: null,
      language: "shell",
      // The server's name first and `--` before the command: -e takes several values in `claude mcp add`.
      text: `claude mcp add --transport stdio ${shellQuote(name)} ${Object.entries(env)
        .map(([k, v]) => `-e ${shellQuote(`${k}=${v}`)}`)
        .join(" ")} -- ${[STDIO_COMMAND[0], ...args].map(shellQuote).join(" ")}\n`,
    },
    { client: "claude-code", transport: "stdio", title: "Or put in .mcp.json", file: ".mcp.json", language: "json", text: json({ mcpServers: { [name]: { type: "stdio", ...stdio } } }) },
    { client: "cursor", transport: "http", title: "Put in .cursor/mcp.json", file: ".cursor/mcp.json", language: "json", text: json({ mcpServers: { [name]: { url, headers } } }) },
    { client: "cursor", transport: "stdio", title: "Put in .cursor/mcp.json", file: ".cursor/mcp.json", language: "json", text: json({ mcpServers: { [name]: stdio } }) },
    { client: "vscode", transport: "http", title: "Put in .vscode/mcp.json", file: ".vscode/mcp.json", language: "json", text: json({ servers: { [name]: { type: "http", url, headers } } }) },
    { client: "vscode", transport: "stdio", title: "Put in .vscode/mcp.json", file: ".vscode/mcp.json", language: "json", text: json({ servers: { [name]: { type: "stdio", ...stdio } } }) },
  ];
}

/** Single quotes for a POSIX shell, only where needed (tokens, URLs and names usually need none). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
