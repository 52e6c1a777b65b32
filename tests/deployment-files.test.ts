import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema } from "@/lib/shared/config";
import { GATEWAY_BUNDLE, GATEWAY_ENTRY } from "@/scripts/launcher/build-gateway";

/** No Docker engine runs here, so the compose file and the Dockerfile are validated as data: shape, and every variable documented. */
describe("docker-compose.yml", () => {
  const compose = parse(fs.readFileSync("docker-compose.yml", "utf8"), { merge: true });
  const configKeys = Object.keys(configSchema.shape);

  it("runs the store, the console and a gateway from the repository's Dockerfile, with Prometheus and Grafana beside them", () => {
    expect(Object.keys(compose.services)).toEqual(["store", "console", "gateway", "prometheus", "grafana"]);
    expect(compose.services.console.build).toBe(".");
    expect(compose.services.gateway.build).toBe(".");
    expect(fs.existsSync("Dockerfile")).toBe(true);
    expect(compose.services.console.depends_on.store.condition).toBe("service_healthy");
  });

  it("lets the console's /api/mcp reach the gateway over TLS, trusting its certificate without holding its key", () => {
    const consoleService = compose.services.console;
    expect(consoleService.environment).toMatchObject({ GATEWAY_HOST: "gateway", GATEWAY_TLS_CA: "/run/secrets/gateway.crt" });
    expect(consoleService.environment.GATEWAY_TLS_KEY).toBeUndefined();
    expect(consoleService.secrets).toEqual(["gateway.crt"]);
  });

  it("runs the gateway compiled, with plain node (no tsx, no npm in between)", () => {
    const command: string[] = compose.services.gateway.command;
    expect(command[0]).toBe("node");
    expect(command.at(-1)).toBe(GATEWAY_BUNDLE);
    expect(command.join(" ")).not.toMatch(/tsx|npm|\.ts\b/);
  });

  it("configures the apps only through documented variables", () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const env = { ...compose.services.console.environment, ...compose.services.gateway.environment };
    expect(Object.keys(compose.services.gateway.environment)).toContain("GATEWAY_WORKERS");
    for (const name of Object.keys(env)) {
      if (name === "NEXTAUTH_URL") continue; // next-auth's own name for PUBLIC_URL
      expect(configKeys, `${name} is not a setting Warden reads`).toContain(name);
      expect(readme, `${name} is not in the README's configuration table`).toContain(`\`${name}\``);
    }
  });
});

describe("Dockerfile", () => {
  const stages = fs
    .readFileSync("Dockerfile", "utf8")
    .split(/^(?=FROM )/m)
    .filter((s) => s.startsWith("FROM "));
  const instructions = (stage: string) =>
    stage
      .split("\n")
      .filter((l) => !l.startsWith("#") && l.trim())
      .map((l) => l.trim());
  const scripts: Record<string, string> = JSON.parse(fs.readFileSync("package.json", "utf8")).scripts;

  it("builds the console and the gateway in the build stage", () => {
    expect(stages).toHaveLength(2);
    const [build, run] = stages.map(instructions);
    expect(build![0]).toMatch(/^FROM \S+ AS build$/);
    const buildCommands = build!.filter((l) => l.startsWith("RUN ")).join("\n");
    expect(buildCommands).toContain("npm run build");
    // What `npm run build` does: the console, then the gateway's bundle.
    expect(scripts.build).toContain("next build");
    expect(scripts.build).toContain("scripts/build-gateway.ts");
    expect(run).toContain("COPY --from=build /app /app");
  });

  it("compiles the gateway from its entry point, and `npm run gateway` runs the compiled file too", () => {
    expect(fs.existsSync(GATEWAY_ENTRY)).toBe(true);
    expect(scripts.gateway).toMatch(new RegExp(`node (--\\S+ )*${GATEWAY_BUNDLE.replace(".", "\\.")}$`));
    expect(fs.readFileSync(".gitignore", "utf8").split("\n")).toContain(`${GATEWAY_BUNDLE.split("/")[0]}/`);
  });
});
