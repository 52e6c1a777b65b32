import { describe, expect, it } from "vitest";
import { buildMcpSnippets, mcpEndpointUrl, mcpServerName, shellQuote, type McpSnippetInput } from "./mcp-snippets";

const TOKEN = "wdn_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
const input: McpSnippetInput = { token: TOKEN, userName: "dev@example.com", connectionName: "demo", consoleUrl: "https://warden.example.com/", gateway: { host: "warden.example.com", port: 6432 } };
const snippets = buildMcpSnippets(input);
const find = (client: string, transport: string, file: string | null) => snippets.find((s) => s.client === client && s.transport === transport && s.file === file)!;

describe("buildMcpSnippets", () => {
  it("offers Claude Code (command and .mcp.json), Cursor and VS Code, each over HTTP and stdio", () => {
    expect(snippets.map((s) => `${s.client}/${s.transport}/${s.file ?? "command"}`)).toEqual([
      "claude-code/http/command",
      "claude-code/http/.mcp.json",
      "claude-code/stdio/command",
      "claude-code/stdio/.mcp.json",
      "cursor/http/.cursor/mcp.json",
      "cursor/stdio/.cursor/mcp.json",
      "vscode/http/.vscode/mcp.json",
      "vscode/stdio/.vscode/mcp.json",
    ]);
    for (const s of snippets) expect(s.text).toContain(TOKEN);
  });

  it("points HTTP clients at the console's /api/mcp with the token as a bearer token", () => {
    expect(JSON.parse(find("claude-code", "http", ".mcp.json").text)).toEqual({
      mcpServers: { "warden-demo": { type: "http", url: "https://warden.example.com/api/mcp", headers: { Authorization: `Bearer ${TOKEN}` } } },
    });
    expect(JSON.parse(find("cursor", "http", ".cursor/mcp.json").text)).toEqual({
      mcpServers: { "warden-demo": { url: "https://warden.example.com/api/mcp", headers: { Authorization: `Bearer ${TOKEN}` } } },
    });
    expect(JSON.parse(find("vscode", "http", ".vscode/mcp.json").text)).toEqual({
      servers: { "warden-demo": { type: "http", url: "https://warden.example.com/api/mcp", headers: { Authorization: `Bearer ${TOKEN}` } } },
    });
    expect(find("claude-code", "http", null).text).toBe(`claude mcp add --transport http warden-demo https://warden.example.com/api/mcp --header 'Authorization: Bearer ${TOKEN}'\n`);
  });

  it("starts warden mcp for stdio clients with the token, its user, the gateway and the console in the environment", () => {
    const env = { WARDEN_TOKEN: TOKEN, WARDEN_USER: "dev@example.com", WARDEN_GATEWAY: "warden.example.com:6432", PUBLIC_URL: "https://warden.example.com" };
    const server = { command: "npx", args: ["--no", "warden", "mcp", "--connection", "demo"], env };
    expect(JSON.parse(find("claude-code", "stdio", ".mcp.json").text)).toEqual({ mcpServers: { "warden-demo": { type: "stdio", ...server } } });
    expect(JSON.parse(find("cursor", "stdio", ".cursor/mcp.json").text)).toEqual({ mcpServers: { "warden-demo": server } });
    expect(JSON.parse(find("vscode", "stdio", ".vscode/mcp.json").text)).toEqual({ servers: { "warden-demo": { type: "stdio", ...server } } });
    expect(find("claude-code", "stdio", null).text).toBe(
      `claude mcp add --transport stdio warden-demo -e WARDEN_TOKEN=${TOKEN} -e WARDEN_USER=dev@example.com -e WARDEN_GATEWAY=warden.example.com:6432 -e PUBLIC_URL=https://warden.example.com -- npx --no warden mcp --connection demo\n`,
    );
  });

  it("quotes what a shell would split, and brackets an IPv6 gateway", () => {
    const odd = buildMcpSnippets({ ...input, userName: "o'brien svc", connectionName: "Sales DB", gateway: { host: "::1", port: 6432 } });
    const command = odd.find((s) => s.client === "claude-code" && s.transport === "stdio" && !s.file)!.text;
    expect(command).toContain(`-e 'WARDEN_USER=o'\\''brien svc'`);
    expect(command).toContain("-e 'WARDEN_GATEWAY=[::1]:6432'");
    expect(command).toContain("--connection 'Sales DB'");
    expect(command).toContain("warden-sales-db");
  });
});

describe("helpers", () => {
  it("names the server after the connection, in the characters clients accept", () => {
    expect(mcpServerName("orders")).toBe("warden-orders");
    expect(mcpServerName("Ünïcode!!")).toBe("warden-n-code");
    expect(mcpServerName("***")).toBe("warden-db");
  });

  it("builds the endpoint without a doubled slash, and leaves plain words unquoted", () => {
    expect(mcpEndpointUrl("http://localhost:3000//")).toBe("http://localhost:3000/api/mcp");
    expect(shellQuote("demo")).toBe("demo");
    expect(shellQuote("a b")).toBe("'a b'");
  });
});
