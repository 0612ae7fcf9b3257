import { describe, expect, it } from "vitest";
import { startTogether } from "../../scripts/local-stack/index.js";

/** A server stand-in that records whether it was stopped. */
const server = (name: string, log: string[]) => ({ name, stop: async () => void log.push(`stopped ${name}`) });
const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failLater = (message: string, ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe("startTogether", () => {
  it("returns every server in order when all start", async () => {
    const log: string[] = [];
    const [a, b] = await startTogether(later(server("azurite", log), 5), later(server("mongo", log), 1));
    expect([a.name, b.name]).toEqual(["azurite", "mongo"]);
    expect(log).toEqual([]);
  });

  it("stops the server that started when the other fails, then throws that failure", async () => {
    const log: string[] = [];
    await expect(startTogether(failLater("azurite: port in use", 5), later(server("mongo", log), 1))).rejects.toThrow("azurite: port in use");
    expect(log).toEqual(["stopped mongo"]);
  });
});
