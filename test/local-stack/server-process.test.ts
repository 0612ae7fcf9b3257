import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-stack/ports.js";
import { startServer, stopChild } from "../../scripts/local-stack/server-process.js";

// The wait for the port is a minute: if these tests finish within vitest's 10 s limit, the harness
// reported the exit itself instead of waiting for the port to time out.
const patient = 60_000;

describe("startServer", () => {
  it("reports a server that exits at once with its exit code and the last lines of its stderr", async () => {
    const port = await freePort();
    const script = "console.error('starting'); console.error('panic: Invalid build/version/version.txt'); process.exit(3)";
    const err = await startServer({ what: "FakeDB", command: process.execPath, args: ["-e", script], ports: [port], timeoutMs: patient })
      .then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain(`FakeDB exited with code 3 before listening on 127.0.0.1:${port}`);
    expect(err?.message).toContain("panic: Invalid build/version/version.txt");
    expect(err?.message).not.toContain("did not listen");
  }, 10_000);

  it("reports a command that cannot be spawned", async () => {
    const err = await startServer({ what: "Nothing", command: "/nonexistent/server", args: [], ports: [await freePort()], timeoutMs: patient })
      .then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^Nothing could not be started \(spawn \/nonexistent\/server ENOENT\)/);
  }, 10_000);

  it("resolves once the server listens, and stopChild ends it", async () => {
    const port = await freePort();
    const script = `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
    const child = await startServer({ what: "Listener", command: process.execPath, args: ["-e", script], ports: [port] });
    expect(child.exitCode).toBeNull();
    await stopChild(child);
    expect(child.signalCode).toBe("SIGTERM");
  }, 10_000);
});
