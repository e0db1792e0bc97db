/**
 * Test helpers for the replay tests: a sink that rebuilds an L2 book from the events and checks
 * the order invariant after every event, and fixture paths.
 * @module
 */
import { equal, ok } from "node:assert/strict";
import { L2Book } from "../venues/book.ts";
import { SyntheticMarket } from "../sim/binance/market.ts";
import { type EventSink, type InferredEvent, InferredKind, Side } from "../replay/schema.ts";

/** The recorded ETHUSDT fixture (read in place, never copied). */
export const ETH_DIR =
  new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url).pathname;

/** True when the fixture exists; warns (once per call site) when it does not. */
export function haveFixture(): boolean {
  try {
    Deno.statSync(ETH_DIR + "diffs.jsonl");
    return true;
  } catch {
    console.warn(`SKIP: fixture ${ETH_DIR} is absent`);
    return false;
  }
}

/**
 * Rebuilds the book from `levelQtyAfter` and checks, after EVERY event, that the orders of the
 * event's level (tracked from the events alone) sum to `levelQtyAfter`, and that quantities
 * never go negative.
 */
export class RebuildingSink implements EventSink {
  /** The book rebuilt from the events. */
  readonly book = new L2Book(4096);
  /** Events seen, by kind. */
  readonly kinds = [0, 0, 0, 0, 0];
  /** Events seen. */
  count = 0;
  /** Distinct receive times (`sec.ns`) carried by Snapshot events. */
  readonly snapshotRecv = new Set<string>();
  /** Order quantities per level: key `side|price` → (orderId → qty). */
  readonly #levels = [new Map<number, Map<number, number>>(), new Map<number, Map<number, number>>()];
  readonly #sums = [new Map<number, number>(), new Map<number, number>()];

  /** Take and check one event. */
  write(ev: InferredEvent): void {
    equal(ev.seq, this.count, "seq is dense from 0");
    this.count++;
    this.kinds[ev.kind]!++;
    const side = ev.side;
    if (ev.kind === InferredKind.Clear) {
      this.#levels[side]!.clear();
      this.#sums[side]!.clear();
      this.book.side(side === Side.Bid).clear();
      return;
    }
    ok(ev.qty > 0, `event ${ev.seq} has a positive quantity`);
    if (ev.kind === InferredKind.Snapshot) this.snapshotRecv.add(`${ev.recvSec}.${ev.recvSubNs}`);
    let lvl = this.#levels[side]!.get(ev.price);
    if (!lvl) this.#levels[side]!.set(ev.price, lvl = new Map());
    const up = ev.kind === InferredKind.Add || ev.kind === InferredKind.Snapshot;
    const q = (lvl.get(ev.orderId) ?? 0) + (up ? ev.qty : -ev.qty);
    ok(q >= 0, `order ${ev.orderId} went negative at event ${ev.seq}`);
    if (q === 0) lvl.delete(ev.orderId);
    else lvl.set(ev.orderId, q);
    const sum = (this.#sums[side]!.get(ev.price) ?? 0) + (up ? ev.qty : -ev.qty);
    this.#sums[side]!.set(ev.price, sum);
    if (sum !== ev.levelQtyAfter) {
      equal(sum, ev.levelQtyAfter, `orders of the level sum to its quantity after event ${ev.seq}`);
    }
    if (sum === 0 && lvl.size !== 0) ok(false, `level emptied with orders left at event ${ev.seq}`);
    if (sum === 0) this.#levels[side]!.delete(ev.price);
    this.book.side(side === Side.Bid).set(ev.price, ev.levelQtyAfter);
  }
}

const REPLAY_TASK = new URL("../tasks/replay.ts", import.meta.url).pathname;

/** Run `tasks/replay.ts` as a process with read access and write access to `writeDir` only. */
export async function replayTask(
  args: string[],
  writeDir: string,
): Promise<{ code: number; out: string; err: string }> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", `--allow-write=${writeDir}`, "--allow-net=127.0.0.1", REPLAY_TASK, ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const r = await cmd.output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** `text` gzipped. */
export async function gzip(bytes: Uint8Array | string): Promise<Uint8Array> {
  const s = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** Write a synthetic capture session; returns its directory and the truth file path. */
export async function writeSyntheticSession(
  dir: string,
  batches: number,
  seed: number,
): Promise<{ session: string; truth: string }> {
  const m = new SyntheticMarket({ seed, symbol: "BTCUSDT", eventsPerBatch: 10 });
  const session = `${dir}/BTCUSDT/s1`;
  await Deno.mkdir(session, { recursive: true });
  const diffs: string[] = [];
  const recv: string[] = [];
  const trades: string[] = [];
  const truth: string[] = [];
  let snapshot = "";
  let linesBefore = 0;
  for (let i = 0; i < batches; i++) {
    const b = m.step();
    for (const t of b.trades) trades.push(t);
    for (const t of b.truth) truth.push(t);
    if (b.depth) {
      diffs.push(b.depth);
      recv.push(`${b.E}${String(i % 1000).padStart(3, "0")}456`); // ns: E ms plus a sub-ms offset
    }
    if (i === 2) {
      snapshot = m.snapshotJson(5000); // taken after 3 batches, like a live REST fetch
      linesBefore = diffs.length;
    }
  }
  await Deno.writeTextFile(`${session}/snapshot.json`, snapshot);
  await Deno.writeTextFile(`${session}/diffs.jsonl`, diffs.join("\n") + "\n");
  await Deno.writeTextFile(`${session}/diffs.recv_ns`, recv.join("\n") + "\n");
  await Deno.writeTextFile(`${session}/trades.jsonl`, trades.join("\n") + "\n");
  await Deno.writeTextFile(
    `${session}/metadata.json`,
    JSON.stringify({
      venue: "binance",
      symbol: "BTCUSDT",
      session: "s1",
      snapshots: [{
        file: "snapshot.json",
        lastUpdateId: JSON.parse(snapshot).lastUpdateId,
        diffLinesBefore: linesBefore,
      }],
      complete: true,
    }),
  );
  const truthPath = `${dir}/truth.jsonl`;
  await Deno.writeTextFile(truthPath, truth.join("\n") + "\n");
  return { session, truth: truthPath };
}
