/**
 * What the publisher Worker hands to the NATS client, without a server: JSON payloads written as
 * bytes equal `formatMessageJson` byte for byte (seeded random messages of every kind, bad
 * numbers refused); `Nats-Msg-Id` header blocks equal the client's own encoding of `msgIdOf`;
 * slab regions never overlap.
 */
import assert from "node:assert/strict";
import { MsgHdrsImpl } from "npm:@nats-io/nats-core@3.4.0";
import { InstrumentTable } from "../market/instrument.ts";
import { formatMessageJson } from "../market/json.ts";
import { Flag, newHeader, RecordBatch, RecordKind } from "../market/record.ts";
import { jsonBound, jsonHead, writeMessageJson } from "../publish/_json_bytes.ts";
import { msgIdHead, PayloadSlab } from "../publish/_payload_slab.ts";
import { msgIdOf, subjectsOf } from "../publish/subjects.ts";
import { mulberry32 } from "../venues/backoff.ts";

const td = new TextDecoder();
const t = new InstrumentTable();
const INSTS = [
  t.add("binance", "spot", "BTCUSDT", 2, 5),
  t.add("hyperliquid", "spot", "PURR/USDC", 0, 8),
  t.add("binance", "usdm", "1000PEPEUSDT", 8, 0),
];

function randomMessage(rnd: () => number, b: RecordBatch, id: number): void {
  const inst = INSTS[id]!;
  const h = newHeader();
  const kinds = [RecordKind.Snapshot, RecordKind.Update, RecordKind.Clear, RecordKind.Trade];
  h.kind = kinds[Math.floor(rnd() * 4)]!;
  h.instrument = id;
  h.priceDecimals = inst.priceDecimals;
  h.qtyDecimals = inst.qtyDecimals;
  h.seq = 1 + Math.floor(rnd() * 1e6);
  h.updateId = rnd() < 0.1 ? Number.MAX_SAFE_INTEGER : Math.floor(rnd() * 1e15);
  h.eventTimeMs = rnd() < 0.1 ? 0 : 1_700_000_000_000 + Math.floor(rnd() * 1e10);
  h.recvSec = rnd() < 0.2 ? 0 : 1_700_000_000 + Math.floor(rnd() * 1e6);
  h.recvSubNs = rnd() < 0.1 ? 7 : Math.floor(rnd() * 1e9);
  h.reason = h.kind === RecordKind.Clear ? Math.floor(rnd() * 9) : 0; // 7, 8: no name (unknown)
  b.begin(h);
  const num = (): number => {
    const r = rnd();
    if (r < 0.1) return 0;
    if (r < 0.2) return Math.floor(rnd() * 100) * 1_000_000; // trailing zeros to trim
    if (r < 0.25) return Number.MAX_SAFE_INTEGER;
    return Math.floor(rnd() * 1e13);
  };
  if (h.kind === RecordKind.Trade) {
    b.add(rnd() < 0.5 ? Flag.BID : 0, num(), num());
    b.finish(false);
    return;
  }
  const n = h.kind === RecordKind.Clear ? 0 : Math.floor(rnd() * 12);
  for (let i = 0; i < n; i++) b.add(rnd() < 0.5 ? Flag.BID : 0, num(), num());
  const empty = b.count === 0;
  if (empty) b.add(0, 0, 0);
  b.finish(empty);
}

Deno.test("JSON payload bytes equal formatMessageJson for 5,000 seeded messages of every kind", () => {
  const rnd = mulberry32(1234);
  const b = new RecordBatch();
  const heads = INSTS.map(jsonHead);
  const buf = new Uint8Array(1 << 16);
  const kinds = new Set<number>();
  for (let k = 0; k < 5000; k++) {
    const id = k % INSTS.length;
    randomMessage(rnd, b, id);
    kinds.add(b.messageKind);
    const at = 17 + (k % 5);
    const end = writeMessageJson(b.view, b.count, heads[id]!, buf, at);
    const want = formatMessageJson(b.view, b.count, INSTS[id]);
    assert.equal(td.decode(buf.subarray(at, end)), want, `message ${k}`);
    assert.ok(end - at <= jsonBound(heads[id]!, b.count), `bound, message ${k}`);
  }
  assert.equal(kinds.size, 4);
});

Deno.test("JSON payload bytes: numbers that are not non-negative safe integers and gap markers are refused (-1)", () => {
  const b = new RecordBatch();
  const head = jsonHead(INSTS[0]!);
  const buf = new Uint8Array(4096);
  const h = newHeader();
  const bad: [string, (h: ReturnType<typeof newHeader>) => void, number, number][] = [
    ["fractional seq", (h) => h.seq = 1.5, 1, 1],
    ["negative update id", (h) => h.updateId = -1, 1, 1],
    ["NaN event time", (h) => h.eventTimeMs = NaN, 1, 1],
    ["fractional price", () => {}, 1.25, 1],
    ["huge quantity", () => {}, 1, 2 ** 60],
  ];
  for (const [what, set, price, qty] of bad) {
    Object.assign(h, newHeader(), { kind: RecordKind.Update, seq: 1, priceDecimals: 2, qtyDecimals: 5 });
    set(h);
    b.begin(h);
    b.add(Flag.BID, price, qty);
    b.finish(false);
    assert.equal(writeMessageJson(b.view, b.count, head, buf, 0), -1, what);
  }
  Object.assign(h, newHeader(), { kind: RecordKind.Gap });
  b.begin(h);
  b.add(0, 0, 0);
  b.setLost(3);
  b.finish(true);
  assert.equal(writeMessageJson(b.view, b.count, head, buf, 0), -1, "gap");
});

Deno.test("Nats-Msg-Id header blocks equal the client's encoding; slab regions never overlap", () => {
  const slab = new PayloadSlab(256); // small slabs: many roll-overs
  const prefix = subjectsOf("hyperliquid", "spot", "PURR/USDC").prefix;
  const head = msgIdHead(msgIdOf(prefix, "0123456789ab", "b", 0).slice(0, -1));
  const kept: [Uint8Array, string][] = [];
  for (const seq of [0, 1, 9, 10, 99, 100, 123456789, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
    const got = slab.msgIdHeader(head, seq);
    const h = new MsgHdrsImpl();
    h.set("Nats-Msg-Id", msgIdOf(prefix, "0123456789ab", "b", seq));
    assert.equal(td.decode(got), td.decode(h.encode()), `seq ${seq}`);
    kept.push([got, td.decode(got)]);
    const p = slab.copy(new Uint8Array([seq & 255, 1, 2, 3, 4, 5, 6, 7]), 5);
    kept.push([p, td.decode(p)]);
    const j = slab.text(`{"seq":${seq}}`);
    kept.push([j, td.decode(j)]);
  }
  for (const [view, text] of kept) assert.equal(td.decode(view), text, "a region handed out is never reused");
});
