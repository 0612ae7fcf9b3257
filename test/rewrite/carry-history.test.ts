import { describe, expect, it } from "vitest";
import { departure } from "../../lib/rewrite/carry-history.js";

describe("why a document left a day", () => {
  it("is deleted when MongoDB no longer has it", () => {
    expect(departure(undefined, "2026-03-20")).toEqual({ reason: "deleted" });
  });

  it("moved when its createdAt is now on another day, naming the day", () => {
    expect(departure({ _id: 1, createdAt: new Date("2026-03-19T23:59:59.999Z") }, "2026-03-20")).toEqual({ reason: "moved", movedTo: "2026-03-19" });
  });

  it("excluded when its createdAt is no longer a usable date (it is in quarantine now)", () => {
    expect(departure({ _id: 1 }, "2026-03-20")).toEqual({ reason: "excluded" });
    expect(departure({ _id: 1, createdAt: "2026-03-20" }, "2026-03-20")).toEqual({ reason: "excluded" });
    expect(departure({ _id: 1, createdAt: new Date(Number.NaN) }, "2026-03-20")).toEqual({ reason: "excluded" });
  });

  it("has not left when MongoDB still places it on the day (a tester's, or past the watermark)", () => {
    expect(departure({ _id: 1, createdAt: new Date("2026-03-20T00:00:00Z") }, "2026-03-20")).toBeUndefined();
  });
});
