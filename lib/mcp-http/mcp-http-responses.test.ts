import { describe, expect, it } from "vitest";
import { jsonRpcError, unauthorized } from "./mcp-http-responses";

describe("unauthorized", () => {
  it("challenges a request without credentials with the bare Bearer scheme", async () => {
    const res = unauthorized("Send a token.", { hasToken: false });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="warden"');
    expect(await res.json()).toEqual({ jsonrpc: "2.0", error: { code: -32000, message: "Send a token." }, id: null });
  });

  it("says why a token was refused, in a header value quotes and non-ASCII cannot break", () => {
    const res = unauthorized('the token "x" expired — at noon\\', { hasToken: true });
    expect(res.headers.get("www-authenticate")).toBe(`Bearer realm="warden", error="invalid_token", error_description="the token 'x' expired ? at noon'"`);
  });
});

describe("jsonRpcError", () => {
  it("is never cached", () => {
    expect(jsonRpcError(404, -32001, "Session not found").headers.get("cache-control")).toBe("no-store");
  });
});
