/**
 * Replay over the real ETHUSDT recording: the book rebuilt from the EVENTS ALONE matches
 * Binance's own bookTicker at every applied update id, and the order invariant holds over the
 * whole file, for every cancel model, with and without trades.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseFixed } from "../venues/decimal.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { BincodeWriter, decodeAll } from "../replay/bincode.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";
import { TeeSink } from "../replay/summary.ts";
import { InferredKind } from "../replay/schema.ts";
import type { CancelModel } from "../replay/l3.ts";
import { ETH_DIR, haveFixture, RebuildingSink } from "./_replay_helpers.ts";

const present = haveFixture();

interface Ticker {
  u: number[];
  bp: number[];
  bq: number[];
  ap: number[];
  aq: number[];
}

function loadTickers(): Ticker {
  const t: Ticker = { u: [], bp: [], bq: [], ap: [], aq: [] };
  for (const line of Deno.readTextFileSync(ETH_DIR + "bookticker.jsonl").split("\n")) {
    if (line === "") continue;
    const d = JSON.parse(line).data;
    t.u.push(d.u);
    t.bp.push(parseFixed(d.b, 8));
    t.bq.push(parseFixed(d.B, 8));
    t.ap.push(parseFixed(d.a, 8));
    t.aq.push(parseFixed(d.A, 8));
  }
  return t;
}

Deno.test({
  name: "replay of the ETHUSDT fixture: the book rebuilt from events matches bookTicker at every update id",
  ignore: !present,
  async fn() {
    const files = await resolveSession(ETH_DIR);
    const tk = loadTickers();
    const sink = new RebuildingSink();
    let ti = -1;
    let checked = 0;
    let mismatched = 0;
    const stats = await replayCapture(files, {
      sink,
      onApplied: (_U, u) => {
        while (ti + 1 < tk.u.length && tk.u[ti + 1]! <= u) ti++;
        if (ti < 0) return;
        const b = sink.book;
        checked++;
        if (
          b.bids.bestPrice() !== tk.bp[ti] || b.bids.bestQty() !== tk.bq[ti] ||
          b.asks.bestPrice() !== tk.ap[ti] || b.asks.bestQty() !== tk.aq[ti]
        ) mismatched++;
        if (b.isCrossed()) mismatched++;
      },
    });
    equal(stats.applied, 6468);
    equal(checked, 6468);
    equal(mismatched, 0);
    deepEqual(stats.warnings, []);
    equal(stats.resyncs, 0);
    equal(stats.snapshotsApplied, 1);
    equal(sink.count, stats.totalEvents);
    ok(sink.kinds[InferredKind.Fill]! > 0 && sink.kinds[InferredKind.Cancel]! > 0);
    ok(stats.tradeQtyMatched > 0);
  },
});

Deno.test({
  name: "replay of the ETHUSDT fixture keeps the order invariant for every cancel model, without trades",
  ignore: !present,
  async fn() {
    const files = await resolveSession(ETH_DIR);
    for (const model of ["head", "proportional"] as CancelModel[]) {
      const sink = new RebuildingSink();
      const stats = await replayCapture(files, { sink, cancelModel: model, useTrades: false });
      equal(stats.applied, 6468);
      equal(sink.count, stats.totalEvents);
      ok(sink.kinds[InferredKind.Fill]! > 0, "the heuristic finds fills");
      equal(stats.trades, 0);
    }
  },
});

Deno.test({
  name: "replay bincode output of the ETHUSDT fixture decodes back to the events written",
  ignore: !present,
  async fn() {
    const files = await resolveSession(ETH_DIR);
    files.diffs = ETH_DIR + "diffs.jsonl"; // explicit, same file
    const target = new MemoryTarget();
    const bin = new BincodeWriter(target);
    const seen: [number, number, number, number, number][] = [];
    const probe = {
      write(ev: { seq: number; kind: number; price: number; qty: number; recvSubNs: number }) {
        if (ev.seq % 997 === 0) seen.push([ev.seq, ev.kind, ev.price, ev.qty, ev.recvSubNs]);
      },
    };
    const stats = await replayCapture(files, { sink: new TeeSink(bin, probe as never) });
    bin.flush();
    const all = decodeAll(target.bytes());
    equal(all.length, stats.totalEvents);
    for (const [seq, kind, price, qty, sub] of seen) {
      const e = all[seq]!;
      deepEqual([e.seq, e.kind, e.price, e.qty, e.recvSubNs], [seq, kind, price, qty, sub]);
      ok(e.recvSec > 1_723_000_000 && e.recvSec < 1_724_000_000);
    }
  },
});
