import { createRequire } from "node:module";
import { appInsightsTables } from "./app-insights-schema.js";

/**
 * The official Kusto language service (@kusto/language-service-next, Kusto.Language compiled to
 * JavaScript with Bridge.NET): parses and type-checks a query against the Application Insights
 * tables, as the portal's editor does. Loaded once; it defines the global `Kusto`.
 */
interface KustoDiagnostic {
  Severity: string;
  Message: string;
  Start: number;
  Length: number;
}
interface KustoList<T> {
  Count: number;
  getItem(i: number): T;
}
interface KustoLanguage {
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): { GetDiagnostics(): KustoList<KustoDiagnostic> } };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string | null) => unknown };
    DatabaseSymbol: { $ctor1: new (name: string, members: unknown[]) => unknown };
  };
}

let globals: { language: KustoLanguage; state: unknown } | undefined;

function load() {
  if (!globals) {
    const require = createRequire(import.meta.url);
    require("@kusto/language-service-next/bridge.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.js");
    const language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
    const tables = Object.entries(appInsightsTables).map(([name, schema]) => new language.Symbols.TableSymbol.$ctor7(name, schema, null));
    const state = language.GlobalState.Default.WithDatabase(new language.Symbols.DatabaseSymbol.$ctor1("appinsights", tables));
    globals = { language, state };
  }
  return globals;
}

export interface KqlProblem {
  severity: string;
  message: string;
  line: number;
  near: string;
}

/** Errors and warnings of a query, each with its line and the text it points at. */
export function checkKql(query: string): KqlProblem[] {
  const { language, state } = load();
  const diagnostics = language.KustoCode.ParseAndAnalyze(query, state).GetDiagnostics();
  const out: KqlProblem[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    out.push({
      severity: d.Severity,
      message: d.Message,
      line: query.slice(0, d.Start).split("\n").length,
      near: query.slice(d.Start, d.Start + Math.max(d.Length, 1)),
    });
  }
  return out;
}
