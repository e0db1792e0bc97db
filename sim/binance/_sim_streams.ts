/**
 * Stream side of the Binance simulator: per-connection subscriptions, the control messages
 * (`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, error replies as documented), and the
 * 1000 ms `<symbol>@depth` stream merged from the 100 ms batches. Not a hot path.
 * @module
 */
import { depthPayload, type MarketBatch } from "./market.ts";
import type { SimSocket } from "./_sim_ws.ts";

/** One WebSocket client of the simulator. */
export interface SimClient {
  /** The socket. */
  sock: SimSocket;
  /** True for `/stream?streams=…` (payloads wrapped as `{"stream","data"}`). */
  combined: boolean;
  /** Subscribed stream names. */
  streams: Set<string>;
  /** Set by the `silence` fault: no more stream data, the socket stays open (pings go on). */
  silent?: boolean;
}

/** Send `payload` of `stream` to `c` in its form (raw or combined). */
export function sendTo(c: SimClient, stream: string, payload: string): void {
  c.sock.sendText(c.combined ? `{"stream":"${stream}","data":${payload}}` : payload);
}

/** Answer one control message from a client, as Binance does. */
export function controlMessage(c: SimClient, text: string): void {
  let msg: { method?: unknown; params?: unknown; id?: unknown };
  try {
    msg = JSON.parse(text);
  } catch {
    c.sock.sendText(`{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}`);
    return;
  }
  const id = JSON.stringify(msg.id ?? null);
  const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
  if (msg.method === "SUBSCRIBE") { for (const p of params) c.streams.add(p); }
  else if (msg.method === "UNSUBSCRIBE") { for (const p of params) c.streams.delete(p); }
  else if (msg.method === "LIST_SUBSCRIPTIONS") {
    c.sock.sendText(`{"result":${JSON.stringify([...c.streams])},"id":${id}}`);
    return;
  } else {
    c.sock.sendText(`{"code":2,"msg":"Invalid request: unknown method","id":${id}}`);
    return;
  }
  c.sock.sendText(`{"result":null,"id":${id}}`);
}

/** Merges 100 ms batches into one `@depth` (1000 ms) diff: first `U`, last `u`, last quantities. */
export class SlowDepth {
  #cur: {
    U: number;
    u: number;
    pu: number | undefined;
    E: number;
    bids: Map<number, number>;
    asks: Map<number, number>;
  } | null = null;

  /** Add a batch (ignored when it changed nothing). */
  add(b: MarketBatch): void {
    if (b.depth === null) return;
    // Futures: the merged event's pu is its first batch's (the previous merged event's u).
    const s = this.#cur ??= { U: b.U, u: b.u, pu: b.pu, E: b.E, bids: new Map(), asks: new Map() };
    s.u = b.u;
    s.E = b.E;
    for (const [p, q] of b.bids) s.bids.set(p, q);
    for (const [p, q] of b.asks) s.asks.set(p, q);
  }

  /**
   * The merged payload since the last take (null when nothing changed), and reset. Levels are
   * integers at `priceScale`/`qtyScale` (the driver's).
   */
  take(symbol: string, priceScale: number, qtyScale: number): string | null {
    const s = this.#cur;
    if (s === null) return null;
    this.#cur = null;
    return depthPayload(symbol, s.E, s.U, s.u, s.pu, s.bids, s.asks, priceScale, qtyScale);
  }
}
