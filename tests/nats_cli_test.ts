/**
 * `--publish` and `consume` given bad input: not a NATS server, a closed port, a stream of that
 * name with other subjects, bad flags, an empty `--shard` — one clear line, the right exit code,
 * never a stack trace.
 */
import assert from "node:assert/strict";
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { shardOf } from "../publish/shard.ts";
import { freePort, startNatsServer } from "./_nats_server.ts";

const POC = new URL("../tasks/poc_binance.ts", import.meta.url).pathname;
const CONSUME = new URL("../tasks/consume.ts", import.meta.url).pathname;

async function run(task: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write=/tmp",
      "--allow-env",
      task,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

function noStack(r: { err: string }): void {
  assert.doesNotMatch(r.err, /\n\s+at /, `no stack trace: ${r.err}`);
}

Deno.test("bad flags exit 2 with the problem; an empty --shard exits 0 with one line", async () => {
  for (
    const [args, why] of [
      [["--publish", "http://127.0.0.1:4222"], /want nats:\/\/host:port/],
      [["--publish", "nats://127.0.0.1:4222", "--publish-format", "xml"], /json or binary/],
      [["--snapshot-every", "1"], /needs --publish/],
      [["--publish", "nats://127.0.0.1:4222", "--replicas", "0"], /--replicas/],
      [["--shard", "2/2"], /--shard/],
    ] as const
  ) {
    const r = await run(POC, [...args]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, why);
    noStack(r);
  }
  const c = await run(CONSUME, ["--symbols", "BTCUSDT"]);
  assert.equal(c.code, 2);
  assert.match(c.err, /--nats/);
  const other = (shardOf("BTCUSDT", 2) + 1) % 2;
  const s = await run(POC, ["--shard", `${other}/2`]);
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /shard \d\/2: no symbol of this task belongs to it/);
});

Deno.test("--publish to a closed port or to a server that is not NATS: exit 1, one line, before the engine", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 5 });
  try {
    const rest = new URL(sim.restUrl);
    for (
      const url of [`nats://127.0.0.1:${freePort()}`, `nats://127.0.0.1:${rest.port}`]
    ) {
      const r = await run(POC, [
        "--ws-url",
        sim.wsUrl(),
        "--rest-url",
        sim.restUrl,
        "--duration",
        "5",
        "--publish",
        url,
      ]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /cannot connect to NATS nats:\/\/127\.0\.0\.1:\d+: /);
      assert.doesNotMatch(r.err, /synchronized id=/, "the engine never started");
      noStack(r);
    }
    const c = await run(CONSUME, ["--nats", `nats://127.0.0.1:${freePort()}`, "--symbols", "BTCUSDT"]);
    assert.equal(c.code, 1);
    assert.match(c.err, /consume: cannot connect to NATS/);
    noStack(c);
  } finally {
    await sim.close();
  }
});

Deno.test("--publish into a stream of that name with other subjects: exit 1 naming both; consume of a missing stream: exit 1", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log("nats-server is not installed (.ci/run installs it): skipped");
  const sim = await BinanceSimulator.start({ intervalMs: 5 });
  try {
    const c = await run(CONSUME, ["--nats", srv.url, "--symbols", "BTCUSDT"]);
    assert.equal(c.code, 1);
    assert.match(c.err, /JetStream stream MD on nats:\/\/127\.0\.0\.1:\d+: .*not found/i);
    noStack(c);
    const nc = await connect({ servers: srv.url });
    await (await jetstreamManager(nc)).streams.add({ name: "MD", subjects: ["other.>"] });
    await nc.close();
    const r = await run(POC, [
      "--ws-url",
      sim.wsUrl(),
      "--rest-url",
      sim.restUrl,
      "--duration",
      "5",
      "--publish",
      srv.url,
    ]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /JetStream stream MD exists with subjects \[other\.>\], not md\.>/);
    noStack(r);
  } finally {
    await sim.close();
    await srv.close();
  }
});
