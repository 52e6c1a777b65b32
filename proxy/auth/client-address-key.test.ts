import { describe, expect, it } from "vitest";
import { clientAddressKey } from "./client-address-key";

describe("clientAddressKey", () => {
  it("keeps IPv4 addresses, mapped ones included", () => {
    expect(clientAddressKey("10.1.2.3")).toBe("10.1.2.3");
    expect(clientAddressKey("::ffff:10.1.2.3")).toBe("10.1.2.3");
  });

  it("counts IPv6 addresses by their /64", () => {
    expect(clientAddressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(clientAddressKey("2001:db8:1:2::99")).toBe("2001:db8:1:2::/64");
    expect(clientAddressKey("2001:DB8:0001:0002:0:0:0:1")).toBe("2001:db8:1:2::/64");
    expect(clientAddressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
    expect(clientAddressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });

  it("leaves anything else as given (a socket without an address)", () => {
    expect(clientAddressKey("unknown")).toBe("unknown");
  });
});
