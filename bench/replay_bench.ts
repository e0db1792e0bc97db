/**
 * `deno bench` micro-benchmarks of the replay pieces: L3 inference per level change, bincode
 * and JSONL encoding per event, and a whole replay of the ETHUSDT fixture (when present).
 *
 *   deno bench --allow-read bench/replay_bench.ts
 * @module
 */
import { L3Book, NO_FILLS } from "../replay/l3.ts";
import { BincodeWriter } from "../replay/bincode.ts";
import { JsonlWriter } from "../replay/writers.ts";
import { CountingTarget } from "../replay/out_buffer.ts";
import { InferredEvent, InferredKind, Side } from "../replay/schema.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { NULL_SINK } from "../replay/summary.ts";
import { ETH_DIR } from "./_eth_fixture.ts";

const FIXTURE = ETH_DIR.pathname;
let fixture = true;
try {
  Deno.statSync(FIXTURE + "diffs.jsonl");
} catch {
  fixture = false;
}

// A seeded stream of level changes over 200 price levels per side.
const N = 1 << 16;
const side = new Uint8Array(N);
const price = new Float64Array(N);
const qty = new Float64Array(N);
{
  let s = 99;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = 0; i < N; i++) {
    side[i] = rnd() < 0.5 ? 0 : 1;
    price[i] = 268_000_000_000 + Math.floor(rnd() * 200) * 1_000_000;
    qty[i] = rnd() < 0.2 ? 0 : Math.floor(rnd() * 5e9);
  }
}

const l3 = new L3Book(NULL_SINK, { capacity: 1 << 16 });
let k = 0;
Deno.bench("L3Book.change (tail model, no trades), per level change", { group: "l3" }, () => {
  const i = k++ & (N - 1);
  l3.change(side[i] as Side, price[i]!, qty[i]!, NO_FILLS);
});

const l3p = new L3Book(NULL_SINK, { capacity: 1 << 16, cancelModel: "proportional" });
let kp = 0;
Deno.bench("L3Book.change (proportional model), per level change", { group: "l3" }, () => {
  const i = kp++ & (N - 1);
  l3p.change(side[i] as Side, price[i]!, qty[i]!, NO_FILLS);
});

const ev = new InferredEvent();
ev.updateId = 35346513512;
ev.eventTimeMs = 1723161255308;
ev.recvSec = 1723161254;
ev.recvSubNs = 36052868;
ev.kind = InferredKind.Cancel;
ev.side = Side.Ask;
ev.price = 268380000000;
ev.qty = 200000;
const bin = new BincodeWriter(new CountingTarget());
const jsonl = new JsonlWriter(new CountingTarget());
Deno.bench("BincodeWriter.write, per event", { group: "encode", baseline: true }, () => {
  ev.seq++;
  ev.orderId = ev.seq;
  bin.write(ev);
});
Deno.bench("JsonlWriter.write, per event", { group: "encode" }, () => {
  ev.seq++;
  ev.orderId = ev.seq;
  jsonl.write(ev);
});

Deno.bench({
  name: "replayCapture of the ETHUSDT fixture (20,985 lines) into bincode",
  group: "replay",
  ignore: !fixture,
  n: 10,
  async fn() {
    const files = await resolveSession(FIXTURE);
    const w = new BincodeWriter(new CountingTarget());
    await replayCapture(files, { sink: w });
    w.flush();
  },
});
