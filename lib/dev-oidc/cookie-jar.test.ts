import { describe, expect, it } from "vitest";
import { createCookieJar } from "./cookie-jar";

function responseSetting(...cookies: string[]): Response {
  const headers = new Headers();
  for (const cookie of cookies) headers.append("set-cookie", cookie);
  return new Response(null, { headers });
}

describe("createCookieJar", () => {
  const origin = "http://localhost:4000";

  it("sends a cookie only to its own origin and path", () => {
    const jar = createCookieJar();
    jar.storeFrom(new URL(`${origin}/auth`), responseSetting("_session=s; path=/; httponly", "_interaction=i; path=/interaction/abc"));
    expect(jar.headerFor(new URL(`${origin}/interaction/abc/login`))).toBe("_session=s; _interaction=i");
    expect(jar.headerFor(new URL(`${origin}/interaction/abcd`))).toBe("_session=s");
    expect(jar.headerFor(new URL("http://localhost:3000/interaction/abc"))).toBeUndefined();
  });

  it("replaces a cookie with the same name and path, and forgets an expired one", () => {
    const jar = createCookieJar();
    const url = new URL(`${origin}/auth`);
    jar.storeFrom(url, responseSetting("a=1; path=/", "b=2; path=/"));
    jar.storeFrom(url, responseSetting("a=3; path=/", "b=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT"));
    expect(jar.headerFor(url)).toBe("a=3");
    jar.storeFrom(url, responseSetting("a=; path=/; max-age=0"));
    expect(jar.headerFor(url)).toBeUndefined();
  });
});
