import { deepEqual, equal, ok } from "node:assert/strict";
import { Drive } from "../../testing/drive.ts";
import { FakeWebSocket, installFakeWebSocket } from "../../testing/fake_ws.ts";
import { HyperliquidHandler } from "./handler.ts";
import { checkEveryMessage, exactDecimal } from "../../testing/stream_check.ts";
import { EventKind, RESYNC_NAMES } from "../../engine/events.ts";

const book = (time: number, bids: string[][], asks: string[][]) =>
  JSON.stringify({
    channel: "l2Book",
    data: {
      coin: "kPEPE",
      time,
      levels: [bids.map(([px, sz]) => ({ px, sz, n: 1 })), asks.map(([px, sz]) => ({ px, sz, n: 1 }))],
    },
  });

const levels = (h: HyperliquidHandler, isBid: boolean) => {
  const { priceDecimals: pd, qtyDecimals: qd } = h.stream.instrument;
  const s = h.book.side(isBid);
  return Array.from(
    { length: s.size },
    (_, i) => [exactDecimal(s.priceAt(i), pd), exactDecimal(s.qtyAt(i), qd)],
  );
};

Deno.test("Hyperliquid: a 123456789012 size is exact (rescaled to the wire's decimals), finer values rescale, beyond 2^53 resyncs", async () => {
  const restore = installFakeWebSocket();
  const h = new HyperliquidHandler({ coin: "kPEPE", wsUrl: "ws://127.0.0.1:1/ws", closeTimeoutMs: 20 });
  const checked = checkEveryMessage(h);
  const d = new Drive(h);
  const dir = await Deno.makeTempDir();
  try {
    await d.start();
    const s = FakeWebSocket.created[0]!;
    s.fireOpen();
    s.fireMessage(book(1, [["0.012345", "123456789012.0"]], [["0.012346", "5.0"]]));
    d.pump();
    equal(d.warnings().filter((w) => w.includes("number")).length, 0, d.summary());
    deepEqual([h.stream.instrument.priceDecimals, h.stream.instrument.qtyDecimals], [6, 0]);
    deepEqual(levels(h, true), [["0.012345", "123456789012"]]);
    deepEqual(levels(h, false), [["0.012346", "5"]]);
    // A finer size: the whole window is parsed again at 10^-2 and goes out as a snapshot.
    s.fireMessage(book(2, [["0.012345", "123456789012.5"]], [["0.012346", "5.25"]]));
    d.pump();
    deepEqual([h.stream.instrument.priceDecimals, h.stream.instrument.qtyDecimals], [6, 2]);
    deepEqual(levels(h, true), [["0.012345", "123456789012.5"]]);
    deepEqual(levels(h, false), [["0.012346", "5.25"]]);
    await h.writeBookOut(`${dir}/b.json`);
    const out = JSON.parse(await Deno.readTextFile(`${dir}/b.json`));
    deepEqual(out.bids, [["0.012345", "123456789012.5"]]);
    deepEqual(out.asks, [["0.012346", "5.25"]]);
    // 123456789012.123456 needs 10^-6: beyond 2^53 there, so the book is dropped (a resync).
    s.fireMessage(book(3, [["0.012345", "123456789012.123456"]], [["0.012346", "5.0"]]));
    d.pump();
    equal(h.book.bids.size + h.book.asks.size, 0, "no rounded book");
    ok(d.events.some((e) => e.kind === EventKind.Error && e.text.includes("2^53")), d.summary());
    s.fireMessage(book(4, [["0.012344", "1.5"]], [["0.012346", "5.0"]]));
    d.pump();
    deepEqual(levels(h, true), [["0.012344", "1.5"]], "the next window that fits is a snapshot");
    deepEqual(checked.failures, []);
    ok(checked.snapshots >= 3 && checked.clears >= 1, JSON.stringify(checked));
    ok(RESYNC_NAMES.includes("precision"));
  } finally {
    await d.stop();
    restore();
    await Deno.remove(dir, { recursive: true });
  }
});
