import { describe, expect, it } from "vitest";
import { McpSessionRegistry } from "./mcp-session-registry";

function setup(opts: { idleMs?: number; maxPerToken?: number } = {}) {
  let clock = 1_000_000;
  const closed: string[] = [];
  const registry = new McpSessionRegistry({ ...opts, now: () => clock });
  const add = (id: string, tokenId = "t1") => registry.add({ id, tokenId, close: async () => void closed.push(id) });
  return { registry, closed, add, advance: (ms: number) => (clock += ms) };
}

describe("McpSessionRegistry", () => {
  it("finds a session only for the token that opened it", () => {
    const { registry, add } = setup();
    add("s1", "t1");
    expect(registry.find("s1", "t1")?.id).toBe("s1");
    expect(registry.find("s1", "t2")).toBeUndefined();
    expect(registry.find("nope", "t1")).toBeUndefined();
  });

  it("closes a session once, however often it is asked, and forgets it", async () => {
    const { registry, closed, add } = setup();
    add("s1");
    await Promise.all([registry.close("s1"), registry.close("s1")]);
    await registry.close("s1");
    expect(closed).toEqual(["s1"]);
    expect(registry.find("s1", "t1")).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it("closes idle sessions, but not one with a request running, nor one used recently", async () => {
    const { registry, closed, add, advance } = setup({ idleMs: 60_000 });
    add("idle");
    add("busy");
    add("recent");
    const done = registry.beginRequest("busy");
    advance(50_000);
    registry.beginRequest("recent")();
    advance(20_000);
    await registry.sweep();
    expect(closed).toEqual(["idle"]);
    done();
    advance(60_000);
    await registry.sweep();
    expect(closed.sort()).toEqual(["busy", "idle", "recent"]);
  });

  it("counts idle time from the end of a long request (a wait for approval)", async () => {
    const { registry, closed, add, advance } = setup({ idleMs: 60_000 });
    add("s1");
    const done = registry.beginRequest("s1");
    advance(10 * 60_000);
    done();
    advance(30_000);
    await registry.sweep();
    expect(closed).toEqual([]);
  });

  it("keeps a token to its cap by closing its least recently used idle session", async () => {
    const { registry, closed, add, advance } = setup({ maxPerToken: 2 });
    add("a");
    advance(10);
    add("b");
    advance(10);
    registry.beginRequest("a")();
    add("other", "t2");
    add("c");
    await registry.closeAll();
    expect(closed[0]).toBe("b");
  });
});
