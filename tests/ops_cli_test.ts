/**
 * `--metrics-port` on the command line: a bad value exits 2 with the reason; a port already in
 * use exits 1 with one clear line, before the engine starts, and no stack trace.
 */
import { equal, match, ok } from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;

async function task(args: string[]): Promise<{ code: number; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: root,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: r.code, err: new TextDecoder().decode(r.stderr) };
}

for (const name of ["poc:binance", "poc:hyperliquid"]) {
  Deno.test(`${name} --metrics-port: bad values exit 2 with the reason`, async () => {
    for (const v of ["abc", "70000", "1.5", ""]) {
      const r = await task([name, "--metrics-port", v]);
      equal(r.code, 2, `${v}: ${r.err}`);
      match(r.err, /--metrics-port must be/);
    }
  });
}

Deno.test("poc:binance --metrics-port on a port in use exits 1 with one line, engine not started", async () => {
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (busy.addr as Deno.NetAddr).port;
    const r = await task([
      "poc:binance",
      "--metrics-port",
      String(port),
      "--ws-url",
      "ws://127.0.0.1:9/ws/x",
    ]);
    equal(r.code, 1, r.err);
    match(r.err, new RegExp(`--metrics-port ${port}: cannot listen on 127\\.0\\.0\\.1: the port is in use`));
    ok(!/\n\s+at /.test(r.err), `no stack trace: ${r.err}`);
    ok(!r.err.includes("started"), "the engine did not start");
  } finally {
    busy.close();
  }
});
