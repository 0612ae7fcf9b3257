import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import type { QualityReport } from "../../lib/ops/index.js";
import { runCliWith } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const NOW = "2026-11-20T12:00:00Z";
const FULL_DAYS = ["2026-11-13", "2026-11-14", "2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"];
const QUIET_DAY = "2026-11-17"; // the planted anomaly: 5 messages instead of 40
const perDay = (day: string) => (day === QUIET_DAY ? 5 : 40);

/**
 * Messages over eight days (40 a day, one quiet day, today partial), 60% of them without userId
 * (a null-heavy required column, each such row carrying an etl_issues entry), and three documents
 * whose createdAt is a string (quarantined).
 */
function plantedMessages(): { docs: Document[]; withoutUser: number; today: number } {
  const user = new ObjectId();
  const docs: Document[] = [];
  let i = 0;
  const add = (at: Date) => {
    const doc: Document = { _id: new ObjectId(), category: "question", createdAt: at, studentMessage: "Why is the sky blue?", aiResponse: "Rayleigh scattering makes shorter blue wavelengths scatter more in the atmosphere." };
    if (i++ % 5 >= 2) delete doc.userId;
    else doc.userId = user;
    docs.push(doc);
  };
  for (const day of FULL_DAYS) for (let k = 0; k < perDay(day); k++) add(new Date(Date.parse(`${day}T00:00:00Z`) + k * (86_400_000 / perDay(day))));
  let today = 0;
  for (let k = 0; k < 11; k++, today++) add(new Date(Date.parse("2026-11-20T00:30:00Z") + k * 3_600_000));
  for (let k = 0; k < 3; k++) docs.push({ _id: ObjectId.createFromTime(Date.parse("2026-11-19T10:00:00Z") / 1000 + k), userId: user, category: "question", createdAt: "2026-11-19" });
  return { docs, withoutUser: docs.filter((d) => d.createdAt instanceof Date && !d.userId).length, today };
}

describe("etl report", () => {
  let stack: TestStack;
  let planted: ReturnType<typeof plantedMessages>;
  const dir = mkdtempSync(join(tmpdir(), "report-"));

  beforeAll(async () => {
    stack = await createTestStack("report");
    planted = plantedMessages();
    await stack.db.collection("messages").insertMany(planted.docs);
    const run = await runEtl(stack.ctx, { collections: [getCollection("messages")], now: new Date(NOW) });
    expect(run.failed).toEqual([]);
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("finds the quiet day, the null-heavy column, the rows with issues and the quarantine, exit 1", async () => {
    const { code, out } = await runCliWith(stack.env, ["report", "--days", "7", "--collection", "messages", "--json", "--now", NOW]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as QualityReport;
    expect([report.from, report.to, report.worst]).toEqual(["2026-11-14", "2026-11-20", "error"]);
    const messages = report.collections[0]!;
    const inRange = planted.docs.filter((d) => d.createdAt instanceof Date && d.createdAt >= new Date("2026-11-14T00:00:00Z"));
    const withoutUser = inRange.filter((d) => !d.userId).length;
    expect(messages.rows).toBe(inRange.length);
    expect(messages.volume.days.map((d) => [d.day, d.rows, d.anomaly])).toEqual([
      ["2026-11-14", 40, false],
      ["2026-11-15", 40, false],
      ["2026-11-16", 40, false],
      ["2026-11-17", 5, true],
      ["2026-11-18", 40, false],
      ["2026-11-19", 40, false],
      ["2026-11-20", planted.today, false], // today is partial: never judged
    ]);
    const userId = messages.completeness.find((c) => c.column === "user_id")!;
    expect(userId).toEqual({ column: "user_id", required: true, nulls: withoutUser, rate: withoutUser / inRange.length });
    expect(messages.validity).toMatchObject({ rowsWithIssues: withoutUser, byField: { userId: withoutUser }, quarantined: 3, reasons: { "createdAt is not a Date": 3 } });
    expect(messages.uniqueness).toEqual({ duplicateIds: 0, examples: [] });
    expect(messages.timeliness).toMatchObject({ status: "fresh" });
    expect(messages.quality!.map((q) => [q.category, q.scored + q.unscored])).toEqual([["question", inRange.length]]);

    const find = (level: string, measure: string) => report.findings.filter((f) => f.level === level && f.measure === measure).map((f) => f.message);
    expect(find("warning", "volume")).toEqual(["2026-11-17: 5 rows against a trailing median of 40 (×0.13)"]);
    expect(find("error", "completeness")).toEqual([`required column user_id is null in ${((withoutUser / inRange.length) * 100).toFixed(1)}% of rows (${withoutUser})`]);
    expect(find("warning", "validity")).toEqual([`${withoutUser} rows (${((withoutUser / inRange.length) * 100).toFixed(1)}%) carry etl_issues: userId ${withoutUser}`]);
    expect(find("error", "validity")).toEqual([`3 documents quarantined (${((3 / (inRange.length + 3)) * 100).toFixed(1)}%): createdAt is not a Date (3)`]);
    expect(report.findings[0]!.level).toBe("error"); // worst first
  });

  it("prints the same as text and writes a self-contained HTML page with SVG charts", async () => {
    const html = join(dir, "report.html");
    const { code, out } = await runCliWith(stack.env, ["report", "--days", "7", "--collection", "messages", "--html", html, "--now", NOW]);
    expect(code).toBe(1);
    expect(out).toMatch(/^WORST: ERROR$/m);
    expect(out).toMatch(/^ {2}ERROR {5}messages {3}completeness {2}required column user_id is null in /m);
    expect(out).toMatch(/^ {2}WARNING {3}messages {3}volume {8}2026-11-17: 5 rows against a trailing median of 40/m);
    expect(out).toContain("  volume/day    11-14 40  11-15 40  11-16 40  11-17 5!  11-18 40");
    expect(out).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, "utf8");
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).toContain('fill="#c62828"><title>11-17: 5</title>'); // the anomaly's bar is red
    expect(page).toContain("required column user_id is null in");
    expect(page.match(/<svg /g)!.length).toBeGreaterThanOrEqual(4); // day, hour, completeness, quality
    expect(page).not.toMatch(/<script|src=|href=|@import|url\(/i);
    expect(page.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:\/\//);
  });

  it("reports duplicate ids as critical", async () => {
    const curated = stack.ctx.storage.lake.getContainerClient(stack.config.containers.curated);
    let source: string | undefined;
    for await (const b of curated.listBlobsFlat({ prefix: "messages/date=2026-11-18/" })) source = b.name;
    const copy = curated.getBlockBlobClient(source!.replace(/\.parquet$/, "_copy.parquet"));
    await copy.syncCopyFromURL(curated.getBlobClient(source!).url).catch(async () => copy.uploadData(await curated.getBlobClient(source!).downloadToBuffer()));
    const { code, out } = await runCliWith(stack.env, ["report", "--days", "7", "--collection", "messages", "--json", "--now", NOW]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as QualityReport;
    expect(report.worst).toBe("critical");
    expect(report.collections[0]!.uniqueness.duplicateIds).toBe(40);
    expect(report.findings[0]!.message).toMatch(/^40 ids appear more than once in curated \(must be 0\), e\.g\. [0-9a-f]{24} ×2/);
  });
});
