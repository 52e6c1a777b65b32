import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema } from "@/lib/shared/config";

/** No Docker engine runs here, so the compose file is validated as data: shape, and every variable documented. */
describe("docker-compose.yml", () => {
  const compose = parse(fs.readFileSync("docker-compose.yml", "utf8"), { merge: true });
  const configKeys = Object.keys(configSchema.shape);

  it("runs the store, the console and a gateway from the repository's Dockerfile", () => {
    expect(Object.keys(compose.services)).toEqual(["store", "console", "gateway"]);
    expect(compose.services.console.build).toBe(".");
    expect(compose.services.gateway.command).toEqual(["npm", "run", "gateway"]);
    expect(fs.existsSync("Dockerfile")).toBe(true);
    expect(compose.services.console.depends_on.store.condition).toBe("service_healthy");
  });

  it("configures the apps only through documented variables", () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const env = { ...compose.services.console.environment, ...compose.services.gateway.environment };
    for (const name of Object.keys(env)) {
      if (name === "NEXTAUTH_URL") continue; // next-auth's own name for PUBLIC_URL
      expect(configKeys, `${name} is not a setting Warden reads`).toContain(name);
      expect(readme, `${name} is not in the README's configuration table`).toContain(`\`${name}\``);
    }
  });
});
