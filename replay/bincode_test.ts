import { deepEqual, equal, ok as assert, throws } from "node:assert/strict";
import { BincodeWriter, decodeAll, decodeEvent, encodeEvent, setU64, setU64SecNs } from "./bincode.ts";
import { MemoryTarget } from "./out_buffer.ts";
import { BINCODE_RECORD_SIZE, InferredEvent, InferredKind, Side } from "./schema.ts";
import { eventOf } from "./_test_event.ts";

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// Hand-computed little-endian fields (hex of each value, bytes reversed):
//   seq 1                         -> 01 00 00 00 00 00 00 00
//   update_id 35346513512         =  0x0000_0008_3AD0_FE68 -> 68 fe d0 3a 08 00 00 00
//   event_time_ms 1723161255308   =  0x0000_0191_346A_1D8C -> 8c 1d 6a 34 91 01 00 00
//   recv_time_ns 1723161254036052868 = 0x17E9_E607_E589_1B84 -> 84 1b 89 e5 07 e6 e9 17
//   side Ask = u32 1              -> 01 00 00 00
//   kind Fill = u32 2             -> 02 00 00 00
//   order_id 7                    -> 07 00 00 00 00 00 00 00
//   price_ticks 268380000000      =  0x0000_003E_7CB1_CF00 -> 00 cf b1 7c 3e 00 00 00
//   qty_lots 200000               =  0x0000_0000_0003_0D40 -> 40 0d 03 00 00 00 00 00
//   level_qty_after 302720000     =  0x0000_0000_120B_2400 -> 00 24 0b 12 00 00 00 00
//   price_decimals 8 = u32        -> 08 00 00 00
//   qty_decimals 5 = u32          -> 05 00 00 00
const GOLDEN = "0100000000000000" + "68fed03a08000000" + "8c1d6a3491010000" + "841b89e507e6e917" +
  "01000000" + "02000000" + "0700000000000000" + "00cfb17c3e000000" + "400d030000000000" +
  "00240b1200000000" + "08000000" + "05000000";

function sample(): InferredEvent {
  return eventOf({
    seq: 1,
    updateId: 35346513512,
    eventTimeMs: 1723161255308,
    recvSec: 1723161254,
    recvSubNs: 36052868,
    side: Side.Ask,
    kind: InferredKind.Fill,
    orderId: 7,
    price: 268380000000,
    qty: 200000,
    levelQtyAfter: 302720000,
    priceDecimals: 8,
    qtyDecimals: 5,
  });
}

Deno.test("encodeEvent writes the hand-computed bincode bytes", () => {
  const buf = new Uint8Array(BINCODE_RECORD_SIZE);
  encodeEvent(new DataView(buf.buffer), 0, sample());
  equal(GOLDEN.length, BINCODE_RECORD_SIZE * 2);
  equal(hex(buf), GOLDEN);
});

Deno.test("decodeEvent inverts encodeEvent, receive time exact", () => {
  const buf = new Uint8Array(BINCODE_RECORD_SIZE);
  const view = new DataView(buf.buffer);
  const ev = sample();
  encodeEvent(view, 0, ev);
  const back = decodeEvent(view, 0, new InferredEvent());
  deepEqual({ ...back }, { ...ev });
});

Deno.test("setU64SecNs is exact against BigInt over random epoch-scale values", () => {
  const buf = new Uint8Array(8);
  const view = new DataView(buf.buffer);
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const out = new InferredEvent();
  const full = new Uint8Array(BINCODE_RECORD_SIZE);
  const fview = new DataView(full.buffer);
  for (let i = 0; i < 20000; i++) {
    const sec = Math.floor(rnd() * 2 ** 34);
    const sub = i % 7 === 0 ? 999_999_999 : Math.floor(rnd() * 1e9);
    setU64SecNs(view, 0, sec, sub);
    const want = BigInt(sec) * 1_000_000_000n + BigInt(sub);
    equal(view.getBigUint64(0, true), want);
    // and back
    const ev = sample();
    ev.recvSec = sec;
    ev.recvSubNs = sub;
    encodeEvent(fview, 0, ev);
    decodeEvent(fview, 0, out);
    equal(out.recvSec, sec);
    equal(out.recvSubNs, sub);
  }
});

Deno.test("setU64 matches BigInt for safe integers", () => {
  const buf = new Uint8Array(8);
  const view = new DataView(buf.buffer);
  for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 35346513512, Number.MAX_SAFE_INTEGER]) {
    setU64(view, 0, v);
    equal(view.getBigUint64(0, true), BigInt(v));
  }
});

Deno.test("BincodeWriter concatenates 80-byte records across buffer flushes", () => {
  const target = new MemoryTarget();
  const w = new BincodeWriter(target, 100); // smaller than two records: forces flushes
  const ev = sample();
  for (let i = 0; i < 5; i++) {
    ev.seq = i;
    w.write(ev);
  }
  w.flush();
  const bytes = target.bytes();
  equal(bytes.length, 5 * BINCODE_RECORD_SIZE);
  const all = decodeAll(bytes);
  deepEqual(all.map((e) => e.seq), [0, 1, 2, 3, 4]);
  assert(all.every((e) => e.price === 268380000000 && e.kind === InferredKind.Fill));
  throws(() => decodeAll(bytes.subarray(1)), RangeError);
});

Deno.test("BincodeWriter's fast path writes the same bytes as encodeEvent, context cache included", () => {
  const target = new MemoryTarget();
  const w = new BincodeWriter(target, BINCODE_RECORD_SIZE * 3);
  const ref = new Uint8Array(BINCODE_RECORD_SIZE * 40);
  const view = new DataView(ref.buffer);
  const ev = sample();
  for (let i = 0; i < 40; i++) {
    ev.seq = i * 1_000_003;
    if (i % 3 === 0) ev.updateId += 7;
    if (i % 4 === 0) ev.recvSubNs = (ev.recvSubNs + 999_999_937) % 1e9;
    if (i % 5 === 0) ev.recvSec += 1;
    if (i % 6 === 0) ev.eventTimeMs += 100;
    ev.orderId = i * 2 ** 33 + i;
    ev.price = Number.MAX_SAFE_INTEGER - i;
    ev.kind = (i % 5) as InferredKind;
    ev.side = (i % 2) as Side;
    w.write(ev);
    encodeEvent(view, i * BINCODE_RECORD_SIZE, ev);
  }
  w.flush();
  equal(hex(target.bytes()), hex(ref));
});
