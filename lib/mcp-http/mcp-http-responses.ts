/**
 * The answers /api/mcp gives before a request reaches the MCP transport. Bodies are JSON-RPC error
 * objects (id null), as the SDK's own transport answers, so MCP clients show the message.
 */

/** JSON-RPC codes the SDK's Streamable HTTP transport uses for the same situations. */
export const JSONRPC_CODES = { parseError: -32700, badRequest: -32000, sessionNotFound: -32001, internalError: -32603 } as const;

export function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status, headers: { "cache-control": "no-store", ...headers } });
}

/**
 * 401 with a Bearer challenge (RFC 6750 section 3): without credentials, the bare challenge; with a
 * token that is not accepted, error="invalid_token" and why. No resource_metadata: Warden tokens are
 * minted in the console, and advertising OAuth makes some clients ignore the configured header.
 */
export function unauthorized(message: string, opts: { hasToken: boolean }): Response {
  const challenge = opts.hasToken ? `Bearer realm="warden", error="invalid_token", error_description="${challengeText(message)}"` : `Bearer realm="warden"`;
  return jsonRpcError(401, JSONRPC_CODES.badRequest, message, { "www-authenticate": challenge });
}

/** error_description allows printable ASCII except `"` and `\` (RFC 6750 section 3). */
function challengeText(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, "?");
}
