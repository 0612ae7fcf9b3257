import type { CollectionQuality } from "./report-measures.js";
import type { QualityReport } from "./report.js";
import { pct } from "./report-measures.js";

/**
 * The report as one self-contained HTML page: inline CSS and SVG charts, no script, no external
 * resource, so it opens anywhere (mail attachment, offline laptop) and can be archived as is.
 */
export function renderReportHtml(report: QualityReport): string {
  const findings = report.findings.length
    ? `<table><tr><th>level</th><th>collection</th><th>measure</th><th>finding</th></tr>${report.findings
        .map((f) => `<tr class="${f.level}"><td>${f.level}</td><td>${esc(f.collection)}</td><td>${f.measure}</td><td>${esc(f.message)}</td></tr>`)
        .join("")}</table>`
    : "<p>No findings.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data-quality report ${report.from} – ${report.to}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}h3{font-size:1em;margin:1em 0 .3em}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #eee;vertical-align:top}
tr.critical td:first-child{background:#7b1fa2;color:#fff}tr.error td:first-child{background:#c62828;color:#fff}
tr.warning td:first-child{background:#f9a825}tr.info td:first-child{background:#e3f2fd}
.worst{font-weight:bold}svg text{font:10px sans-serif;fill:#444}
</style></head><body>
<h1>Data-quality report ${report.from} – ${report.to}</h1>
<p>${report.days} UTC days, generated ${esc(report.generatedAt)}. Worst finding: <span class="worst">${report.worst}</span>.</p>
<h2>Findings</h2>
${findings}
${report.collections.map(section).join("\n")}
</body></html>
`;
}

function section(c: CollectionQuality): string {
  const v = c.validity;
  const days = c.volume.days.map((d) => ({ label: d.day.slice(5), value: d.rows, mark: d.anomaly }));
  const hours = c.volume.hours.map((h) => ({ label: h.hour.slice(11), value: h.rows, mark: h.anomaly }));
  const nulls = c.completeness.filter((x) => x.nulls > 0).sort((a, b) => b.rate - a.rate);
  return `<h2>${esc(c.collection)}</h2>
<p>${c.rows} curated rows; ${v.rowsWithIssues} with etl_issues (${pct(v.issueRate)}); ${v.quarantined} quarantined (${pct(v.quarantineRate)});
${c.uniqueness.duplicateIds} duplicate ids; ${c.timeliness ? `${c.timeliness.status}, ${c.timeliness.lagMinutes ?? "∞"} min behind` : "timeliness unknown"}.</p>
<h3>Volume per day (red: anomaly against the trailing median)</h3>
${barChart(days, { width: 720, height: 140, labelEvery: 1 })}
<h3>Volume per hour</h3>
${barChart(hours, { width: 720, height: 90, labelEvery: 24 })}
<h3>Completeness: null rate per column</h3>
${nulls.length ? hbarChart(nulls.map((x) => ({ label: `${x.column}${x.required ? " *" : ""}`, rate: x.rate, mark: x.required }))) : "<p>No nulls.</p>"}
<h3>Validity</h3>
${kv("etl_issues by field", v.byField)}${kv("quarantine reasons", v.reasons)}
${(c.quality ?? []).map((q) => `<h3>Quality score, ${esc(q.category)} (${q.scored} scored, mean ${q.mean ?? "–"})</h3>${barChart(q.buckets.map((n, i) => ({ label: (i / 10).toFixed(1), value: n, mark: false })), { width: 360, height: 90, labelEvery: 1 })}`).join("\n")}`;
}

function barChart(points: { label: string; value: number; mark: boolean }[], o: { width: number; height: number; labelEvery: number }): string {
  const max = Math.max(1, ...points.map((p) => p.value));
  const plot = o.height - 16;
  const w = o.width / Math.max(1, points.length);
  const bars = points
    .map((p, i) => {
      const h = (p.value / max) * plot;
      const label = i % o.labelEvery === 0 ? `<text x="${(i * w + 1).toFixed(1)}" y="${o.height - 3}">${esc(p.label)}</text>` : "";
      return `<rect x="${(i * w).toFixed(1)}" y="${(plot - h).toFixed(1)}" width="${Math.max(1, w - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${p.mark ? "#c62828" : "#1976d2"}"><title>${esc(p.label)}: ${p.value}</title></rect>${label}`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" role="img"><text x="${o.width - 2}" y="10" text-anchor="end">max ${max}</text>${bars}</svg>`;
}

function hbarChart(rows: { label: string; rate: number; mark: boolean }[]): string {
  const row = 16;
  const height = rows.length * row + 4;
  const bars = rows
    .map((r, i) => `<text x="0" y="${i * row + 12}">${esc(r.label)}</text><rect x="160" y="${i * row + 3}" width="${(r.rate * 400).toFixed(1)}" height="11" fill="${r.mark ? "#c62828" : "#90a4ae"}"/><text x="${(165 + r.rate * 400).toFixed(1)}" y="${i * row + 12}">${pct(r.rate)}</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${height}" role="img">${bars}</svg>`;
}

function kv(title: string, values: Record<string, number>): string {
  const entries = Object.entries(values);
  if (entries.length === 0) return `<p>${title}: none.</p>`;
  return `<table><tr><th>${title}</th><th>rows</th></tr>${entries.map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`).join("")}</table>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
