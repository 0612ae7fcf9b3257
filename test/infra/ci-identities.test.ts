import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declaration, descendants, infraDir, parseBicep, stringValue } from "./bicep.js";

/**
 * The CI identities (infra/bootstrap/ci-identities.bicep): a read-only one for pull requests and a
 * deploying one whose role-assignment rights are bound by an ABAC condition to roles.json.
 */
const file = await parseBicep(join(infraDir, "bootstrap/ci-identities.bicep"));
const roles = JSON.parse(readFileSync(join(infraDir, "app/roles.json"), "utf8")) as Record<string, string>;
const projectRoleIds = Object.entries(roles).filter(([k]) => k !== "$comment").map(([, v]) => v);

const resources = descendants(file.tree.rootNode, "resource_declaration");
const resourceText = (symbol: string) => resources.find((r) => r.namedChildren[0]?.text === symbol)?.text ?? "";
const assignmentsTo = (principal: string) => resources.filter((r) => r.text.includes(`principalId: ${principal}`));

describe("CI identities", () => {
  it("bounds role assignment to the role definitions rbac.bicep assigns, read from the same roles.json", () => {
    const vars = declaration(file, "variable_declaration", "projectRoles")?.text ?? "";
    expect(vars).toContain("loadJsonContent('../app/roles.json')");
    const assigner = resourceText("deployRoleAssigner");
    expect(assigner).toMatch(/condition: assignOnlyProjectRoles/);
    expect(assigner).toMatch(/conditionVersion: '2\.0'/);
    expect(assigner).toMatch(/builtIn\.rbacAdministrator/);
  });

  it("writes a well-formed condition: write and delete each limited to the project's role ids", () => {
    const template = stringValue(declaration(file, "variable_declaration", "assignOnlyProjectRoles")?.namedChildren[1]) ??
      declaration(file, "variable_declaration", "assignOnlyProjectRoles")!.namedChildren[1]!.text.slice(1, -1);
    const condition = template.replace(/\\'/g, "'").split("${allowedRoles}").join(projectRoleIds.join(", "));
    expect(condition).toContain("!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})");
    expect(condition).toContain("!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})");
    expect(condition).toContain(`@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${projectRoleIds.join(", ")}}`);
    expect(condition).toContain(`@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${projectRoleIds.join(", ")}}`);
    let depth = 0;
    for (const ch of condition) {
      depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    // Owner, Contributor, User Access Administrator and RBAC Administrator itself are not assignable.
    for (const privileged of ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "f58310d9-a9f6-439a-9e8d-f62e7b41a168"]) {
      expect(projectRoleIds).not.toContain(privileged);
    }
  });

  it("gives the pull-request identity read, validate and what-if only", () => {
    const granted = assignmentsTo("whatIfPrincipalId").map((r) => r.namedChildren[0]?.text).sort();
    expect(granted).toEqual(["whatIfPreview", "whatIfReader"]);
    expect(resourceText("whatIfReader")).toMatch(/builtIn\.reader/);
    const actions = [...resourceText("whatIfRole").matchAll(/'(Microsoft\.Resources\/[^']+)'/g)].map((m) => m[1]);
    expect(actions.sort()).toEqual(["Microsoft.Resources/deployments/read", "Microsoft.Resources/deployments/validate/action", "Microsoft.Resources/deployments/whatIf/action"]);
  });

  it("gives the deploying identity Contributor and the bounded role assigner, nothing else", () => {
    const granted = assignmentsTo("deployPrincipalId").map((r) => r.namedChildren[0]?.text).sort();
    expect(granted).toEqual(["deployContributor", "deployRoleAssigner"]);
  });
});
