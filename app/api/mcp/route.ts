import { getConsoleMcpEndpoint } from "@/lib/mcp-http/console-mcp-endpoint";

// MCP over Streamable HTTP for agents. Unlike every other API route, no console session counts here:
// the caller is an agent with a Warden token (agent or service kind) as its bearer token, checked at
// every request (lib/mcp-http/create-mcp-http-endpoint.ts). Its sessions live in this process.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const handle = (req: Request) => getConsoleMcpEndpoint().handle(req);

export { handle as DELETE, handle as GET, handle as POST };
