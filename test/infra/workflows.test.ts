import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declaredNames, infraDir, parseBicep, repoRoot } from "./bicep.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const ci = read(".github/workflows/ci.yml");
const deploy = read(".github/workflows/deploy.yml");
const main = await parseBicep(join(infraDir, "main.bicep"));

const OIDC_IDS = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID"];

describe("ci.yml", () => {
  it("installs, typechecks, lints and tests", () => {
    for (const step of ["npm install", "npm run typecheck", "npm run lint", "npx vitest run"]) expect(ci).toContain(step);
  });

  it("runs the tests against a MongoDB 7 service through MONGODB_URI", () => {
    expect(ci).toMatch(/image:\s*mongo:7\b/);
    expect(ci).toMatch(/MONGODB_URI:\s*mongodb:\/\/localhost:27017/);
  });

  it("compiles the Bicep", () => {
    expect(ci).toContain("az bicep build --file infra/main.bicep");
  });
});

describe("deploy.yml", () => {
  it("logs in with OIDC and uses no secret beyond the three OIDC ids", () => {
    expect(deploy).toContain("uses: azure/login@v2");
    expect(deploy).toMatch(/id-token:\s*write/);
    const secrets = [...new Set([...`${ci}\n${deploy}`.matchAll(/secrets\.([A-Za-z_]+)/g)].map((m) => m[1]))];
    expect(secrets.filter((s) => !OIDC_IDS.includes(s ?? ""))).toEqual([]);
    expect(deploy).not.toMatch(/client-secret|creds:|publish-profile/);
  });

  it("builds and runs what-if on pull requests, deploys on main", () => {
    expect(deploy).toContain("az bicep build --file infra/main.bicep");
    expect(deploy).toContain("az deployment group what-if");
    expect(deploy).toContain("az deployment group create");
    expect(deploy).toMatch(/if: github\.event_name != 'pull_request' && github\.ref == 'refs\/heads\/main'/);
  });

  it("reads only outputs main.bicep declares", () => {
    const list = /for key in ([^;]+); do/.exec(deploy)?.[1] ?? "";
    const keys = list.split(/[\s\\]+/).filter(Boolean);
    expect(keys).toContain("ATLAS_ALLOWLIST_EGRESS_IP");
    const outputs = declaredNames(main, "output_declaration");
    expect(keys.filter((k) => !outputs.includes(k))).toEqual([]);
  });

  it("provides every variable main.parameters.json substitutes", () => {
    const parameters = read("infra/main.parameters.json");
    const needed = [...new Set([...parameters.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]))];
    const envBlock = /\nenv:\n((?: {2}.*\n)+)/.exec(deploy)?.[1] ?? "";
    const provided = [...envBlock.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1]);
    expect(needed.filter((n) => !provided.includes(n))).toEqual([]);
  });

  it("never prints a response body into the Actions log: only names and statuses of the health report", () => {
    expect(deploy).not.toMatch(/\bcat\b[^\n]*\.json/);
    const printed = [...deploy.matchAll(/jq -r '([^']*)' "\$RUNNER_TEMP\/health\.json"/g)].map((m) => m[1]);
    expect(printed).toHaveLength(1);
    expect(printed[0]).not.toMatch(/lastError|message|reason|\.collections\[\]\s*\|\s*\./);
  });

  /** The body of one job: from its `  name:` line to the next job or the end. */
  const job = (name: string) => new RegExp(`\\n  ${name}:\\n([\\s\\S]*?)(?=\\n  [a-z-]+:\\n|$)`).exec(deploy)?.[1] ?? "";

  it("previews pull requests with the read-only identity and deploys with the other, behind the production environment", () => {
    const whatIf = job("what-if");
    const deployJob = job("deploy");
    expect(whatIf).toMatch(/client-id: \$\{\{ vars\.AZURE_WHATIF_CLIENT_ID \}\}/);
    expect(whatIf).not.toMatch(/AZURE_CLIENT_ID/);
    expect(whatIf).toContain("--validation-level ProviderNoRbac");
    expect(whatIf).not.toMatch(/deployment group create|functions-action|blob upload/);
    expect(deployJob).toMatch(/environment: production/);
    expect(deployJob).toMatch(/client-id: \$\{\{ vars\.AZURE_CLIENT_ID/);
  });

  it("renders the parameters with envsubst limited to their variables, so \"$schema\" survives", () => {
    const parameters = read("infra/main.parameters.json");
    const needed = [...new Set([...parameters.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]))].sort();
    const list = /PARAMETER_VARIABLES: >-\n((?: {4}.*\n)+)/.exec(deploy)?.[1] ?? "";
    const listed = [...list.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]).sort();
    expect(listed).toEqual(needed);
    const renders = [...deploy.matchAll(/envsubst([^<\n]*)</g)].map((m) => m[1]!.trim());
    expect(renders.length).toBe(2);
    for (const args of renders) expect(args).toBe('"$PARAMETER_VARIABLES"');
    // The real envsubst, as the runner has it.
    const env = Object.fromEntries(needed.map((n) => [n!, `v-${n}`]));
    const run = spawnSync("envsubst", [list.split(/\s+/).join(" ")], { input: parameters, encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    expect(run.error, "envsubst (gettext-base) must be installed").toBeUndefined();
    const rendered = JSON.parse(run.stdout) as { $schema: string; parameters: Record<string, { value: unknown }> };
    expect(rendered.$schema).toMatch(/^https:\/\/schema\.management\.azure\.com\//);
    expect(rendered.parameters.alertEmails?.value).toEqual(["v-ALERT_EMAIL"]);
  });

  it("refuses an empty or malformed ALERT_EMAIL (and OPERATOR_IP) before rendering, naming the variable", () => {
    for (const name of ["what-if", "deploy"]) {
      const body = job(name);
      expect(body.indexOf("check-deploy-vars.sh"), name).toBeGreaterThan(-1);
      expect(body.indexOf("check-deploy-vars.sh")).toBeLessThan(body.indexOf("envsubst"));
    }
    const check = (env: Record<string, string>) =>
      spawnSync("bash", [join(repoRoot, ".github/scripts/check-deploy-vars.sh")], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    expect(check({}).status).toBe(1);
    expect(check({}).stdout).toContain("::error::ALERT_EMAIL is not set");
    expect(check({ ALERT_EMAIL: "ops" }).stdout).toContain("::error::ALERT_EMAIL is not an e-mail address");
    expect(check({ ALERT_EMAIL: "ops@example.edu", OPERATOR_IP: "10.0.0" }).stdout).toContain("::error::OPERATOR_IP");
    expect(check({ ALERT_EMAIL: "ops@example.edu", OPERATOR_IP: "203.0.113.0/28" }).status).toBe(0);
  });

  it("checks the health endpoint and compares the app's egress IP with the NAT IP", () => {
    expect(deploy).toContain("/api/health");
    expect(deploy).toContain("/api/egress");
    expect(deploy).toMatch(/"\$egress_ip" != "\$NAT_IP"/);
  });
});
