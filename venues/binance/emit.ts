/**
 * The Binance side of the normalized stream: an applied depth diff as one `update` message of
 * its instrument's {@linkcode MarketStream} (bids, then asks, in wire order). No allocation.
 * @module
 */
import { RecordKind } from "../../market/record.ts";
import type { MarketStream } from "../../market/stream.ts";
import type { DepthDiff } from "./types.ts";

/** Emit the applied diff `d` (absolute quantities; 0 deletes) on `s`. */
export function emitDepthDiff(s: MarketStream, d: DepthDiff, recvSec: number, recvSubNs: number): void {
  s.beginBook(RecordKind.Update, d.lastId, d.eventTimeMs, recvSec, recvSubNs);
  s.levels(true, d.bidPx, d.bidQty, d.nBids);
  s.levels(false, d.askPx, d.askQty, d.nAsks);
  s.end();
}
