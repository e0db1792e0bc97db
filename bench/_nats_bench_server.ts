/**
 * Private: a nats-server for the NATS benchmarks — JetStream (file store in a temp dir) and a
 * WebSocket listener, on free loopback ports; ready once its TCP port accepts (deadline 5 s).
 * @module
 */

/** A running benchmark server. */
export interface BenchNatsServer {
  /** `nats://127.0.0.1:<port>`. */
  url: string;
  /** `ws://127.0.0.1:<port>`. */
  wsUrl: string;
  /** Stop it and remove its store. */
  close(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

/** Start nats-server 2.9 (Debian's `nats-server` on PATH) with `env` added (e.g. `GOMAXPROCS`). Allocates. */
export async function startBenchNatsServer(env: Record<string, string> = {}): Promise<BenchNatsServer> {
  const port = freePort();
  const wsPort = freePort();
  const dir = Deno.makeTempDirSync({ prefix: "nats-bench-" });
  Deno.writeTextFileSync(
    `${dir}/s.conf`,
    `listen: 127.0.0.1:${port}\njetstream { store_dir: "${dir}/js" }\n` +
      `websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }\n`,
  );
  const child = new Deno.Command("nats-server", {
    args: ["-c", `${dir}/s.conf`],
    env,
    stderr: "null",
    stdout: "null",
  })
    .spawn();
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}: ${e}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    async close() {
      child.kill("SIGTERM");
      await child.status;
      Deno.removeSync(dir, { recursive: true });
    },
  };
}
