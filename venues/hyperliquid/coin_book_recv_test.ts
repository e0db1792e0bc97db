/**
 * `CoinBook` carries receive times as seconds + ns within the second, exactly: a capture's
 * `.recv_ns` (19 digits, beyond 2^53 as a float of ns) reaches every record it emits unchanged.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { InstrumentTable } from "../../market/instrument.ts";
import { RecordKind } from "../../market/record.ts";
import { ResyncReason } from "../../engine/events.ts";
import { BookSource, CoinBook } from "./coin_book.ts";
import { HlFrame, HlMsg } from "./frame.ts";
import { HlParser } from "./parse.ts";

Deno.test("CoinBook: snapshot, update, trade and clear records carry the exact receive time given", () => {
  const b = new CoinBook("BTC", { instruments: new InstrumentTable() });
  const seen: string[] = [];
  b.stream.addSink({
    write(batch) {
      seen.push(`${batch.messageKind}:${batch.recvSec}.${String(batch.recvSubNs).padStart(9, "0")}`);
    },
  });
  const p = new HlParser();
  const f = new HlFrame();
  const l2 = (time: number, px: string) =>
    `{"channel":"l2Book","data":{"coin":"BTC","time":${time},"levels":[[{"px":"${px}","sz":"1","n":1}],[{"px":"105100","sz":"2","n":1}]]}}`;
  // 1737918843.893903001 s: a float of ns cannot hold it (the nearest is …893903104).
  const sec = 1_737_918_843;
  const exact = `${sec}893903001`;
  ok(BigInt(Number(exact)) !== BigInt(exact), "beyond a float's precision");
  equal(p.parse(l2(1, "105000"), f), HlMsg.L2Book);
  b.apply(BookSource.Slow, f, sec, 893_903_001);
  equal(p.parse(l2(2, "105001"), f), HlMsg.L2Book);
  b.apply(BookSource.Slow, f, sec, 999_999_999);
  const trades = `{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"105100","sz":"0.5","time":3,` +
    `"hash":"0x0","tid":7,"users":["a","b"]}]}`;
  equal(p.parse(trades, f), HlMsg.Trades);
  b.emitTrades(f, sec + 1, 1);
  b.clear(ResyncReason.Disconnect, sec + 2, 0);
  deepEqual(seen, [
    `${RecordKind.Snapshot}:${sec}.893903001`,
    `${RecordKind.Update}:${sec}.999999999`,
    `${RecordKind.Trade}:${sec + 1}.000000001`,
    `${RecordKind.Clear}:${sec + 2}.000000000`,
  ]);
});
