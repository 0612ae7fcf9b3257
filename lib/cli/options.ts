import { InvalidArgumentError, Option } from "commander";
import { getCollection } from "../collections/index.js";

/** Option parsers shared by the commands, so `--days` or `--collection` mean the same everywhere. */

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError(`"${value}" must be a positive whole number.`);
  return n;
}

export function isoInstant(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError(`"${value}" is not an ISO date-time (e.g. 2026-11-20T12:00:00Z).`);
  return at;
}

export function calendarDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError(`"${value}" is not a UTC day (YYYY-MM-DD).`);
  }
  return value;
}

/** Repeatable `--collection X`; unknown names fail at parse time, before anything connects. */
export function collectCollection(value: string, previous: string[] | undefined): string[] {
  try {
    getCollection(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return [...(previous ?? []), value];
}

export const collectionOption = (what = "only this collection (repeatable)") =>
  new Option("--collection <name>", what).argParser(collectCollection);

export const jsonOption = () => new Option("--json", "print the result as JSON instead of a table");

/** Pins the clock (tests, replays of a given hour). Hidden: operators never need it. */
export const nowOption = () => new Option("--now <iso>", "pretend the current time is <iso>").argParser(isoInstant).hideHelp();

export const daysOption = (what: string) => new Option("--days <n>", what).argParser(positiveInt);

/** Flags every command may receive, as commander hands them over. */
export interface CommonFlags {
  collection?: string[];
  json?: boolean;
  now?: Date;
}
