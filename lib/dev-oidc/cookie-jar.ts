/**
 * Just enough of a browser's cookie store to walk an OpenID sign-in with `fetch`: cookies are
 * kept per origin and path, replaced and expired as the server says. Domain, Secure and SameSite
 * are ignored because the headless client only ever talks to one origin, the provider.
 */
export type CookieJar = {
  /** The Cookie header to send to `url`, if any cookie applies. */
  headerFor(url: URL): string | undefined;
  /** Records the Set-Cookie headers of a response received from `url`. */
  storeFrom(url: URL, response: Response): void;
};

type StoredCookie = { origin: string; path: string; name: string; value: string; expiresAt: number };

export function createCookieJar(): CookieJar {
  const cookies = new Map<string, StoredCookie>();
  const keyOf = (cookie: Pick<StoredCookie, "origin" | "path" | "name">) => `${cookie.origin} ${cookie.path} ${cookie.name}`;

  return {
    headerFor(url) {
      const now = Date.now();
      const pairs: string[] = [];
      for (const [key, cookie] of cookies) {
        if (cookie.expiresAt <= now) {
          cookies.delete(key);
          continue;
        }
        if (cookie.origin === url.origin && isPathMatch(url.pathname, cookie.path)) {
          pairs.push(`${cookie.name}=${cookie.value}`);
        }
      }
      return pairs.length ? pairs.join("; ") : undefined;
    },
    storeFrom(url, response) {
      for (const header of response.headers.getSetCookie()) {
        const cookie = parseSetCookie(header, url);
        if (!cookie) continue;
        if (cookie.expiresAt <= Date.now()) cookies.delete(keyOf(cookie));
        else cookies.set(keyOf(cookie), cookie);
      }
    },
  };
}

function parseSetCookie(header: string, url: URL): StoredCookie | undefined {
  const [pair, ...attributes] = header.split(";");
  const equals = pair.indexOf("=");
  if (equals <= 0) return undefined;
  const cookie: StoredCookie = {
    origin: url.origin,
    path: defaultPath(url.pathname),
    name: pair.slice(0, equals).trim(),
    value: pair.slice(equals + 1).trim(),
    expiresAt: Number.POSITIVE_INFINITY,
  };
  let maxAge: number | undefined;
  for (const attribute of attributes) {
    const [rawName, ...rest] = attribute.split("=");
    const name = rawName.trim().toLowerCase();
    const value = rest.join("=").trim();
    if (name === "path" && value.startsWith("/")) cookie.path = value;
    else if (name === "expires" && !Number.isNaN(Date.parse(value))) cookie.expiresAt = Date.parse(value);
    else if (name === "max-age" && /^-?\d+$/.test(value)) maxAge = Number(value);
  }
  // Max-Age wins over Expires (RFC 6265, section 5.3).
  if (maxAge !== undefined) cookie.expiresAt = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000;
  return cookie;
}

/** RFC 6265, section 5.1.4: the request path up to, not including, its last slash. */
function defaultPath(pathname: string): string {
  const lastSlash = pathname.lastIndexOf("/");
  return lastSlash <= 0 ? "/" : pathname.slice(0, lastSlash);
}

/** RFC 6265, section 5.1.4: "/a" matches "/a", "/a/" and "/a/b", but not "/ab". */
function isPathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}
