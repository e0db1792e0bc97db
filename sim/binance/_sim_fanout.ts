/**
 * Private: the stream fan-out of the single-symbol Binance simulator — which frames each open
 * WebSocket client gets after a batch (`<s>@depth@100ms` and USD-M `<s>@depth@0ms` every batch,
 * `<s>@depth` merged over 10 batches, `<s>@trade`), with the frame faults armed on it:
 * `malformed` (a broken frame before the next diff), `binary` (a binary frame before the next
 * diff), `skip_update` (the next diff is not sent: a gap); a `silence`d client gets nothing.
 * Not a hot path.
 * @module
 */
import type { MarketBatch } from "./market.ts";
import type { SimDriver } from "./_sim_replay.ts";
import { sendTo, type SimClient, SlowDepth } from "./_sim_streams.ts";
import type { SimStats } from "./_sim_types.ts";
import { encodeFrame } from "./_sim_ws.ts";

const enc = new TextEncoder();

/** Sends each batch of a driver to the clients subscribed to its streams. */
export class StreamFanout {
  /** Armed `skip_update` faults: diffs still to leave out. */
  skip = 0;
  /** Armed `malformed` faults: broken frames still to send. */
  malformed = 0;
  /** Armed `binary` faults: binary frames still to send. */
  binary = 0;
  readonly #driver: SimDriver;
  readonly #clients: Set<SimClient>;
  readonly #stats: SimStats;
  readonly #slow = new SlowDepth();

  /** Fan out `driver`'s batches to `clients` (the live set), counting frames in `stats`. */
  constructor(driver: SimDriver, clients: Set<SimClient>, stats: SimStats) {
    this.#driver = driver;
    this.#clients = clients;
    this.#stats = stats;
  }

  /** Send batch `b`, the `batches`-th produced (1-based), to every client. */
  broadcast(b: MarketBatch, batches: number): void {
    const sym = this.#driver.symbol.toLowerCase();
    const fast = `${sym}@depth@100ms`;
    const fast0 = `${sym}@depth@0ms`; // USD-M real time: served the same frames
    const slowName = `${sym}@depth`;
    const tradeName = `${sym}@trade`;
    if (this.malformed > 0) {
      this.malformed--;
      for (const c of this.#clients) {
        c.sock.sendText('{"e":"depthUpdate","E":1,"s":"' + this.#driver.symbol + '","U":');
      }
    }
    if (this.binary > 0) {
      this.binary--;
      const frame = encodeFrame(0x2, enc.encode('{"binary":true}'));
      for (const c of this.#clients) c.sock.sendRaw(frame);
    }
    let sendFast = b.depth !== null;
    if (sendFast && this.skip > 0) {
      this.skip--;
      sendFast = false;
    }
    this.#slow.add(b);
    const slow = batches % 10 === 0
      ? this.#slow.take(this.#driver.symbol, this.#driver.priceScale, this.#driver.qtyScale)
      : null;
    for (const c of this.#clients) {
      if (c.silent) continue;
      if (sendFast && c.streams.has(fast)) this.#send(c, fast, b.depth!);
      else if (sendFast && c.streams.has(fast0)) this.#send(c, fast0, b.depth!);
      if (slow !== null && c.streams.has(slowName)) this.#send(c, slowName, slow);
      if (c.streams.has(tradeName)) { for (const t of b.trades) this.#send(c, tradeName, t); }
    }
  }

  #send(c: SimClient, stream: string, payload: string): void {
    sendTo(c, stream, payload);
    this.#stats.framesSent++;
  }
}
