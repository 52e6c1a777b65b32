import fs from "node:fs";
import path from "node:path";
import { build, type BuildOptions, type Plugin } from "esbuild";
import { checkBuild, type BuildStamp } from "./build-stamp";

/**
 * The gateway as one compiled JavaScript file, run by plain `node` (no tsx in production: tsx's
 * loader and the TypeScript it compiles at start-up cost memory in every worker). The project's own
 * TypeScript, `@/` imports included (tsconfig paths), is bundled; packages from node_modules stay
 * external and load from node_modules as usual (libpg-query finds its WASM beside itself).
 */
export const GATEWAY_ENTRY = "scripts/gateway.ts";
/** What runs: `node dist/gateway.mjs`. */
export const GATEWAY_BUNDLE = "dist/gateway.mjs";
/** The compiled code itself, which GATEWAY_BUNDLE imports once source maps are on. */
const COMPILED = "dist/gateway-compiled.mjs";

/**
 * Stack traces name the TypeScript sources (dist/gateway-compiled.mjs.map) without a node flag to
 * remember: source maps apply to modules loaded after they are turned on, hence this small first module.
 */
const STARTER = `// Written by scripts/launcher/build-gateway.ts: run \`node ${GATEWAY_BUNDLE}\`.
process.setSourceMapsEnabled(true);
await import("./${path.basename(COMPILED)}");
`;

export const GATEWAY_BUILD: BuildStamp = {
  sources: ["proxy", "lib", "drizzle/schema", GATEWAY_ENTRY, "scripts/launcher/build-gateway.ts", "package-lock.json", "tsconfig.json"],
  output: COMPILED,
  marker: "dist/gateway.fingerprint",
};

/**
 * `import.meta.url` keeps naming the source file it was written in, so a path made relative to it
 * (lib/db/migrate.ts finds drizzle/migrations that way) resolves from dist/ as it did from source.
 */
function sourceLocationPlugin(root: string, outDir: string): Plugin {
  return {
    name: "source-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !args.path.startsWith(root)) return undefined;
        const text = await fs.promises.readFile(args.path, "utf8");
        if (!text.includes("import.meta.url")) return { contents: text, loader: "ts" };
        const fromBundle = path.relative(outDir, args.path).split(path.sep).join("/");
        return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: "ts" };
      });
    },
  };
}

/** How the gateway is compiled into `outfile` (the launcher's dist/, or a bench's own directory). */
export function gatewayBuildOptions(root: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, GATEWAY_ENTRY)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    sourcemap: "linked",
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
    plugins: [sourceLocationPlugin(root, path.dirname(outfile))],
  };
}

/** Compiles the gateway into dist/ (the starter, the bundle and its source map), replacing the old files only once all are written. */
export async function buildGateway(root: string): Promise<void> {
  const outfile = path.join(root, COMPILED);
  const result = await build({ ...gatewayBuildOptions(root, outfile), write: false });
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  // Written aside and renamed, so a gateway starting meanwhile (npm start and the bench at once) never reads half a file.
  const files = [...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })), { path: path.join(root, GATEWAY_BUNDLE), contents: STARTER }];
  const written = files.map((f) => {
    const aside = `${f.path}.${process.pid}.tmp`;
    fs.writeFileSync(aside, f.contents);
    return { aside, final: f.path };
  });
  for (const f of written) fs.renameSync(f.aside, f.final);
}

/** Builds the gateway when there is no bundle yet or its sources changed since the last build (about a second). */
export async function ensureGatewayBuild(root: string, log: (line: string) => void): Promise<void> {
  const stamp = checkBuild(root, GATEWAY_BUILD);
  if (stamp.isCurrent) return;
  log(`Building the gateway (${GATEWAY_BUNDLE})…`);
  await buildGateway(root);
  stamp.markBuilt();
}
