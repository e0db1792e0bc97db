import { deepEqual, equal } from "node:assert/strict";
import { MemoryTarget } from "./out_buffer.ts";
import { createWriter, JsonlWriter, TextWriter } from "./writers.ts";
import { BINCODE_RECORD_SIZE, type InferredEvent, InferredKind, Side } from "./schema.ts";
import { eventOf } from "./_test_event.ts";

function sample(): InferredEvent {
  return eventOf({
    seq: 3,
    updateId: 35346513512,
    eventTimeMs: 1723161255308,
    recvSec: 1723161254,
    recvSubNs: 36052868,
    side: Side.Bid,
    kind: InferredKind.Cancel,
    orderId: 12,
    price: 268380000000,
    qty: 200000,
    levelQtyAfter: 0,
  });
}

Deno.test("JsonlWriter writes one exact JSON object per line", () => {
  const t = new MemoryTarget();
  const w = new JsonlWriter(t);
  w.write(sample());
  w.flush();
  const text = t.text();
  equal(
    text,
    '{"seq":3,"update_id":35346513512,"event_time_ms":1723161255308,"recv_time_ns":1723161254036052868,' +
      '"side":"bid","kind":"cancel","order_id":12,"price_ticks":268380000000,"qty_lots":200000,' +
      '"level_qty_after":0,"price_decimals":8,"qty_decimals":8}\n',
  );
  const o = JSON.parse(text);
  deepEqual(Object.keys(o), [
    "seq",
    "update_id",
    "event_time_ms",
    "recv_time_ns",
    "side",
    "kind",
    "order_id",
    "price_ticks",
    "qty_lots",
    "level_qty_after",
    "price_decimals",
    "qty_decimals",
  ]);
});

Deno.test("TextWriter prints decimals with 8 digits and the exact receive time", () => {
  const t = new MemoryTarget();
  const w = new TextWriter(t);
  const ev = sample();
  w.write(ev);
  ev.recvSec = 0;
  ev.recvSubNs = 5;
  ev.kind = InferredKind.Add;
  ev.price = 7;
  w.write(ev);
  w.flush();
  equal(
    t.text(),
    "3 u=35346513512 E=1723161255308 t=1723161254.036052868 bid cancel #12 2683.80000000 x 0.00200000" +
      " -> 0.00000000\n" +
      "3 u=35346513512 E=1723161255308 t=0.000000005 bid add #12 0.00000007 x 0.00200000 -> 0.00000000\n",
  );
});

Deno.test("createWriter returns the writer for each format and flushes many events intact", () => {
  for (const fmt of ["stdout", "jsonl", "bincode"] as const) {
    const t = new MemoryTarget();
    const w = createWriter(fmt, t, 512);
    const ev = sample();
    for (let i = 0; i < 100; i++) {
      ev.seq = i;
      w.write(ev);
    }
    w.flush();
    equal(w.count, 100);
    if (fmt === "bincode") equal(t.bytes().length, 100 * BINCODE_RECORD_SIZE);
    else {
      const lines = t.text().split("\n");
      equal(lines.length, 101);
      equal(lines[99]!.startsWith(fmt === "jsonl" ? '{"seq":99,' : "99 u="), true);
    }
  }
});
