import { defineConfig } from "drizzle-kit";

// Generating migrations needs no database: `npm run db:generate -- --name what_changed`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./drizzle/schema/index.ts",
  out: "./drizzle/migrations",
  casing: "snake_case",
});
