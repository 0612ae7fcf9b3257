import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of one Azurite service for one simulated writer: the real SDK talks to it,
 * and the schedule decides what happens to that writer's n-th HTTP request: pass, fail (the
 * connection is reset, as a dropped network does) or hang (nothing comes back; the SDK's per-try
 * timeout must give up). `severed` drops everything: the writer is cut off from storage.
 */
export interface RequestFault {
  /** 1-based index of the request (across the writer's connections to this service). */
  nth: number;
  kind: "fail" | "hang";
  /** How many consecutive requests from `nth` on (2 outlasts the SDK's retry). */
  count: number;
}

export interface FaultProxy {
  port: number;
  faults: RequestFault[];
  severed: boolean;
  requests: number;
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|PUT|POST|DELETE|HEAD|MERGE|PATCH|OPTIONS) \S+ HTTP\/1\.1\r\n/m;

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = { port: 0, faults: [], severed: false, requests: 0, close: async () => undefined };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    let hung = false;
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk) => {
      if (proxy.severed) return drop();
      if (hung) return;
      const text = chunk.toString("latin1");
      if (REQUEST_LINE.test(text)) {
        proxy.requests++;
        const fault = proxy.faults.find((f) => proxy.requests >= f.nth && proxy.requests < f.nth + f.count);
        if (fault?.kind === "fail") return drop();
        if (fault?.kind === "hang") {
          hung = true;
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (proxy.severed) return drop();
      if (!hung) client.write(chunk);
    });
    const forget = () => {
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", () => (upstream.destroy(), forget()));
    upstream.on("error", drop).on("close", () => (client.destroy(), forget()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
