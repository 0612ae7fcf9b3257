import { describe, expect, it } from "vitest";
import { readAhead } from "../../lib/extract/read-ahead.js";

async function* numbers(n: number, log: string[], failAt?: number) {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error(`source failed at ${i}`);
    log.push(`produce ${i}`);
    yield i;
  }
}

describe("readAhead", () => {
  it("yields every item in order", async () => {
    const out: number[] = [];
    for await (const v of readAhead(numbers(5000, []), 7)) out.push(v);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it("never holds more than its capacity ahead of the consumer", async () => {
    const log: string[] = [];
    const it = readAhead(numbers(100, log), 3);
    await it.next();
    await new Promise((r) => setTimeout(r, 20));
    // One consumed, up to three buffered, one more produced and parked while the buffer is full.
    expect(log.length).toBeLessThanOrEqual(5);
    await it.return(undefined);
  });

  it("surfaces the source's error to the consumer", async () => {
    const out: number[] = [];
    await expect(async () => {
      for await (const v of readAhead(numbers(10, [], 4), 2)) out.push(v);
    }).rejects.toThrow("source failed at 4");
    expect(out).toEqual([0, 1, 2, 3]);
  });

  it("stops the source when the consumer stops early", async () => {
    const log: string[] = [];
    for await (const v of readAhead(numbers(1000, log), 5)) if (v === 2) break;
    expect(log.length).toBeLessThan(10);
  });
});
