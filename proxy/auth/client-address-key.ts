import net from "node:net";

/**
 * What the sign-in throttle and the failure digest count a client by: an IPv4 address as it is; an
 * IPv6 address by its /64 network, since one host usually holds a whole /64 and could otherwise
 * take a fresh address per guess. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as IPv4.
 */
export function clientAddressKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (net.isIPv4(plain)) return plain;
  if (!net.isIPv6(plain)) return plain;
  const groups = expandIpv6(plain.replace(/%.*$/, ""));
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and an embedded IPv4 tail expanded). */
function expandIpv6(address: string): number[] {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split(".").map(Number);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  const all = tail === undefined ? left : [...left, ...Array<string>(missing).fill("0"), ...right];
  return all.map((g) => parseInt(g, 16));
}
