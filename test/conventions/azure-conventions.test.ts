import { existsSync, readdirSync, readFileSync } from "node:fs";
import ignoreModule from "ignore";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { collectionNames } from "../../lib/collections/index.js";

// CommonJS with `factory.default = factory`: under NodeNext the default import is the module object.
const ignore = ignoreModule.default;
const bicepOutputs = new Set([...readFileSync("infra/main.bicep", "utf8").matchAll(/^output (\w+) /gm)].map((m) => m[1]!));
const functionSources = readdirSync("functions").filter((f) => f.endsWith(".ts")).map((f) => readFileSync(`functions/${f}`, "utf8"));
const httpRoutes = functionSources.flatMap((s) => [...s.matchAll(/route:\s*"([^"]+)"/g)].map((m) => m[1]!));
const timers = [
  ...collectionNames.map((c) => `etl-${c}`), // registered in a loop over the collections
  ...functionSources.flatMap((s) => [...s.matchAll(/app\.timer\("([^"]+)"/g)].map((m) => m[1]!)),
];

describe("azure.yaml (azd up)", () => {
  const azd = parse(readFileSync("azure.yaml", "utf8")) as {
    name: string;
    infra: { provider: string; path: string; module: string };
    services: Record<string, { project: string; language: string; host: string; resourceName: string }>;
    hooks: Record<string, Record<"posix" | "windows", { shell: string; run: string }>>;
  };

  it("provisions infra/main.bicep and deploys this project as the Function App it outputs", () => {
    expect(existsSync(`${azd.infra.path}/${azd.infra.module}.bicep`)).toBe(true);
    expect(azd.services.etl).toMatchObject({ project: ".", host: "function", language: "ts" });
    const name = /^\$\{(\w+)\}$/.exec(azd.services.etl!.resourceName)?.[1];
    expect(bicepOutputs.has(name!)).toBe(true);
  });

  it("prints the egress IP to allow-list after provisioning, on both shells, from real outputs only", () => {
    for (const shell of ["posix", "windows"] as const) expect(azd.hooks.postprovision![shell].run).toContain("ATLAS_ALLOWLIST_EGRESS_IP");
    const used = Object.values(azd.hooks).flatMap((h) => Object.values(h)).flatMap((h) => [...h.run.matchAll(/\$\{(\w+)\}|\$env:(\w+)/g)].map((m) => m[1] ?? m[2]!));
    expect(used.length).toBeGreaterThan(0);
    for (const v of used) expect(bicepOutputs.has(v), v).toBe(true);
  });
});

describe("func start readiness", () => {
  it("has npm start = func start after a build", () => {
    const { scripts } = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(scripts.start).toBe("func start");
    expect(scripts.prestart).toBe("npm run build");
  });

  it(".funcignore keeps the compiled app and drops sources, tests and local settings", () => {
    const rules = ignore().add(readFileSync(".funcignore", "utf8"));
    for (const kept of ["dist/functions/health.js", "dist/lib/cli/bin.js", "dist/lib/pipeline/run-etl.js", "host.json", "package.json", "node_modules/mongodb/package.json"]) {
      expect(rules.ignores(kept), kept).toBe(false);
    }
    for (const dropped of ["lib/config.ts", "functions/health.ts", "test/cli/parse.test.ts", "scripts/etl.ts", "infra/main.bicep", "local.settings.json", "dist/lib/config.js.map", "campus-etl.http", "dist/cli/bin.js"]) {
      expect(rules.ignores(dropped), dropped).toBe(true);
    }
  });

  it("the .http file calls every HTTP route and fires timers that exist through the admin API", () => {
    const http = readFileSync("campus-etl.http", "utf8");
    for (const route of httpRoutes) {
      const pattern = route.replace(/\{[^}]+\}/g, "[^?\\s]+");
      expect(http, route).toMatch(new RegExp(`^(GET|POST) \\{\\{host\\}\\}/api/${pattern}[?\\s]`, "m"));
    }
    const fired = [...http.matchAll(/^POST \{\{host\}\}\/admin\/functions\/([\w-]+)$/gm)].map((m) => m[1]!);
    expect(fired.length).toBeGreaterThan(0);
    for (const name of fired) expect(timers, name).toContain(name);
  });
});
