/**
 * `BinanceMultiSimulator`: a Binance-compatible simulator of many symbols on 127.0.0.1, spot or
 * USD-M futures (`market: "usdm"`), one seeded {@linkcode SyntheticMarket} per symbol (symbol k
 * uses seed `seed + k`; `markets` shapes single symbols, e.g. a PEPE-like one).
 *
 * - REST: `GET /api/v3/depth?symbol=X&limit=N` and `GET /api/v3/exchangeInfo` (USD-M:
 *   `/fapi/v1/depth`, `/fapi/v1/exchangeInfo`, their weights; 2400 per minute by default), ONE
 *   weight window for all symbols; 429 over it, 418 to a client that asks again before
 *   `Retry-After` passed (`_sim_multi_rest.ts`). `exchangeInfo` lists each symbol's tick and lot.
 * - WebSocket: `/stream?streams=a/b/…` (combined payloads) and `/ws` + `SUBSCRIBE` (raw
 *   payloads); USD-M under `/public` (`/public/stream`, `/public/ws`; frames with `T` and `pu`,
 *   ids that jump). Streams: any depth stream name of the market at its cadence (`<s>@depth@100ms`
 *   every batch; spot `<s>@depth` 1000 ms; USD-M `@depth@0ms` every batch, `@depth` 250 ms,
 *   `@depth@500ms`: diffs merged over the period, `_sim_cadence.ts`) and `<s>@trade`. The venue's
 *   per-connection limits are
 *   enforced: a connection asking more than `streamsPerConnection` streams, or sending more than
 *   `messagesPerSecond` text messages in one second, is disconnected (close 1008), as Binance does.
 * - Faults per symbol: {@linkcode BinanceMultiSimulator.fault} `skip_update` (the next diff of that
 *   symbol is not sent: a gap), `malformed`, `huge` (a frame with a quantity beyond 2^53 units),
 *   `silence` (no more frames of that symbol until toggled), and `drop` (every connection),
 *   `rate_limit` (next 429), `ban` (next 418).
 * - `truth(symbol)`: the true book. `stats`: what a test asserts (connections, limit disconnects,
 *   REST counters).
 * Not a hot path; allocates freely.
 * @module
 */
import { type Clock, systemClock } from "../../engine/clock.ts";
import type { L2Book } from "../../venues/book.ts";
import { type MarketOptions, SyntheticMarket } from "./market.ts";
import { controlMessage, sendTo, type SimClient } from "./_sim_streams.ts";
import { acceptLoop, readRequest, respond, writeHead } from "./_sim_http.ts";
import { acceptKey, SimSocket } from "./_sim_ws.ts";
import { MultiRestRoute, type MultiRestStats } from "./_sim_multi_rest.ts";
import { hugeFrame, MULTI_SIM_FAULTS, type MultiSimFault, take } from "./_sim_multi_faults.ts";
import { SymbolCadence } from "./_sim_cadence.ts";

export { MULTI_SIM_FAULTS, type MultiSimFault } from "./_sim_multi_faults.ts";

/** Options of {@linkcode BinanceMultiSimulator.start}. */
export interface MultiSimulatorOptions {
  /** Upper-case symbols served. */
  symbols: string[];
  /** "spot" (default) or "usdm" (USD-M futures: `/public` and `/fapi/v1` paths, `pu`, weights). */
  market?: "spot" | "usdm";
  /** Market options of single symbols (e.g. `{ PEPEUSDT: PEPE_MARKET }`); seed and futures are the simulator's. */
  markets?: Record<string, MarketOptions>;
  /** TCP port (default 0 = ephemeral). */
  port?: number;
  /** Seed of the first symbol (default 1). */
  seed?: number;
  /** Real ms between batches (default 100; 0 = only `step`). */
  intervalMs?: number;
  /** REQUEST_WEIGHT per minute (default 6000; USD-M 2400). */
  weightLimit?: number;
  /** `Retry-After` of an armed `rate_limit` 429 or `ban` 418, s (default 1). */
  retryAfterSec?: number;
  /** Streams allowed per connection (default 1024). */
  streamsPerConnection?: number;
  /** Text messages allowed per second per connection (default 5). */
  messagesPerSecond?: number;
  /** Clock of the weight window (default: the system clock). */
  clock?: Clock;
}

/** What the simulator did. */
export interface MultiSimStats {
  /** WebSocket connections accepted. */
  connections: number;
  /** Connections closed for breaking a per-connection limit (streams, messages per second). */
  limitDisconnects: number;
  /** The most streams one connection carried. */
  maxStreams: number;
  /** Depth frames sent (good and malformed, all connections). */
  depthFrames: number;
  /** Trade frames sent (all connections). */
  tradeFrames: number;
  /** REST counters. */
  rest: MultiRestStats;
}

interface Client extends SimClient {
  msgTimes: number[];
}

/** The many-symbol simulator. Close it with {@linkcode BinanceMultiSimulator.close}. */
export class BinanceMultiSimulator {
  /** Bound port. */
  readonly port: number;
  /** Symbols served. */
  readonly symbols: readonly string[];
  /** Counters. */
  readonly stats: MultiSimStats;
  /** Batches produced. */
  batches = 0;
  readonly #o: MultiSimulatorOptions;
  readonly #listener: Deno.Listener;
  readonly #markets = new Map<string, SyntheticMarket>();
  readonly #clients = new Set<Client>();
  readonly #conns = new Set<Promise<void>>();
  readonly #rest: MultiRestRoute;
  readonly #skip = new Map<string, number>();
  readonly #malformed = new Map<string, number>();
  readonly #huge = new Map<string, number>();
  readonly #cadence = new Map<string, SymbolCadence>();
  readonly #prefix: string;
  readonly #silent = new Set<string>();
  readonly #interval: ReturnType<typeof setInterval> | undefined;
  readonly #accepting: Promise<void>;
  #closed = false;

  private constructor(listener: Deno.Listener, o: MultiSimulatorOptions) {
    this.#o = o;
    this.#listener = listener;
    this.port = (listener.addr as Deno.NetAddr).port;
    this.symbols = o.symbols;
    const usdm = o.market === "usdm";
    this.#prefix = usdm ? "/public" : "";
    o.symbols.forEach((symbol, k) => {
      const mid = (100 + 37 * k).toFixed(2);
      const mo = { mid, ...o.markets?.[symbol], symbol, seed: (o.seed ?? 1) + k, futures: usdm };
      this.#markets.set(symbol, new SyntheticMarket(mo));
      this.#cadence.set(symbol, new SymbolCadence(symbol.toLowerCase(), usdm, mo.batchMs ?? 100));
    });
    this.#rest = new MultiRestRoute(
      this.#markets,
      o.clock ?? systemClock,
      o.weightLimit ?? (usdm ? 2400 : 6000),
      o.retryAfterSec ?? 1,
      usdm,
    );
    this.stats = {
      connections: 0,
      limitDisconnects: 0,
      maxStreams: 0,
      depthFrames: 0,
      tradeFrames: 0,
      rest: this.#rest.stats,
    };
    this.#accepting = acceptLoop(this.#listener, (c) => this.#serve(c), this.#conns);
    const every = o.intervalMs ?? 100;
    if (every > 0) this.#interval = setInterval(() => this.step(), every);
  }

  /** Listen on 127.0.0.1 and start producing. RangeError on no or repeated symbols. */
  static start(o: MultiSimulatorOptions): Promise<BinanceMultiSimulator> {
    if (o.symbols.length === 0) throw new RangeError("no symbols");
    if (new Set(o.symbols).size !== o.symbols.length) throw new RangeError("a symbol is listed twice");
    const listener = Deno.listen({ hostname: "127.0.0.1", port: o.port ?? 0 });
    return Promise.resolve(new BinanceMultiSimulator(listener, o));
  }

  /** `http://127.0.0.1:<port>` (the `--rest-url`). */
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** `ws://127.0.0.1:<port>` (the `--ws-url` base). */
  get wsBase(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  /** Open WebSocket connections. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Streams subscribed over all open connections. */
  get streams(): number {
    let n = 0;
    for (const c of this.#clients) n += c.streams.size;
    return n;
  }

  /** The scale of `symbol`'s true book: prices × 10^priceDecimals (its tick's), quantities × 10^qtyDecimals. */
  scale(symbol: string): { priceDecimals: number; qtyDecimals: number } {
    const m = this.#markets.get(symbol);
    if (m === undefined) throw new RangeError(`unknown symbol ${symbol}`);
    return { priceDecimals: m.priceScale, qtyDecimals: m.qtyScale };
  }

  /** The true book of `symbol` (what has been produced so far). */
  truth(symbol: string): L2Book {
    const m = this.#markets.get(symbol);
    if (m === undefined) throw new RangeError(`unknown symbol ${symbol}`);
    return m.book;
  }

  /**
   * Arm a fault: `skip_update` / `malformed` / `huge` for `symbol`; `silence` toggles `symbol`'s
   * frames off and on (its market goes on); `drop`, `rate_limit`, `ban` for all.
   */
  fault(kind: MultiSimFault, symbol = ""): void {
    if (kind === "drop") { for (const c of this.#clients) c.sock.drop(); }
    else if (kind === "rate_limit") this.#rest.rateLimit++;
    else if (kind === "ban") this.#rest.ban++;
    else {
      if (!this.#markets.has(symbol)) throw new RangeError(`unknown symbol ${symbol}`);
      if (kind === "silence") {
        if (!this.#silent.delete(symbol)) this.#silent.add(symbol);
        return;
      }
      const m = kind === "skip_update" ? this.#skip : kind === "huge" ? this.#huge : this.#malformed;
      m.set(symbol, (m.get(symbol) ?? 0) + 1);
    }
  }

  /** Produce and broadcast `n` batches of every symbol now. */
  step(n = 1): void {
    for (let k = 0; k < n && !this.#closed; k++) {
      this.batches++;
      for (const [sym, m] of this.#markets) {
        const b = m.step();
        const cadence = this.#cadence.get(sym)!;
        const trade = `${sym.toLowerCase()}@trade`;
        const bad = take(this.#malformed, sym);
        const huge = take(this.#huge, sym) ? hugeFrame(sym, m) : null;
        if (take(this.#skip, sym)) cadence.skip();
        const out = cadence.after(this.batches, b, m, this.#silent.has(sym));
        for (const c of this.#clients) {
          const i = cadence.names.findIndex((n) => c.streams.has(n));
          if (i >= 0) {
            const depth = cadence.names[i]!;
            if (bad) this.#send(c, depth, `{"e":"depthUpdate","s":"${sym}","U":`);
            if (huge !== null) this.#send(c, depth, huge);
            if (out[i] !== null) this.#send(c, depth, out[i]!);
          }
          if (!c.streams.has(trade)) continue;
          for (const t of b.trades) sendTo(c, trade, t);
          this.stats.tradeFrames += b.trades.length;
        }
      }
    }
  }

  /** Stop: timer, listener, connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#interval);
    this.#listener.close();
    await this.#accepting;
    for (const c of this.#clients) c.sock.drop();
    await Promise.all([...this.#conns]);
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const req = await readRequest(conn);
    if (req === null) return conn.close();
    const path = req.url.pathname;
    if (this.#rest.handles(path)) return this.#rest.serve(conn, req.url);
    if (path === "/sim/fault") return this.#faultRoute(conn, req.url);
    const pre = this.#prefix;
    if (path !== `${pre}/ws` && path !== `${pre}/stream`) {
      return respond(conn, 404, `{"code":-1,"msg":"not found"}`);
    }
    const key = req.headers.get("sec-websocket-key");
    if (key === undefined) return respond(conn, 400, `{"code":-1,"msg":"upgrade required"}`);
    await writeHead(conn, 101, {
      Upgrade: "websocket",
      Connection: "Upgrade",
      "Sec-WebSocket-Accept": await acceptKey(key),
    });
    const combined = path === `${pre}/stream`;
    const c: Client = {
      sock: new SimSocket(conn, req.target, req.rest),
      combined,
      streams: new Set(),
      msgTimes: [],
    };
    for (const n of (req.url.searchParams.get("streams") ?? "").split("/")) if (n) c.streams.add(n);
    c.sock.onText = (t) => this.#onText(c, t);
    c.sock.onClosed = () => this.#clients.delete(c);
    this.#clients.add(c);
    this.stats.connections++;
    this.#checkStreams(c);
    await c.sock.done;
  }

  // POST /sim/fault?kind=<MultiSimFault>[&symbol=X]
  #faultRoute(conn: Deno.Conn, url: URL): Promise<void> {
    const kind = url.searchParams.get("kind") ?? "";
    const symbol = (url.searchParams.get("symbol") ?? "").toUpperCase();
    if (!(MULTI_SIM_FAULTS as readonly string[]).includes(kind)) {
      return respond(conn, 400, `{"error":"unknown fault"}`);
    }
    try {
      this.fault(kind as MultiSimFault, symbol);
    } catch (e) {
      return respond(conn, 400, JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
    }
    return respond(conn, 200, `{"ok":true}`);
  }

  #send(c: Client, stream: string, payload: string): void {
    this.stats.depthFrames++;
    sendTo(c, stream, payload);
  }

  #onText(c: Client, text: string): void {
    const now = performance.now();
    c.msgTimes.push(now);
    while (c.msgTimes.length > 0 && c.msgTimes[0]! <= now - 1000) c.msgTimes.shift();
    if (c.msgTimes.length > (this.#o.messagesPerSecond ?? 5)) return this.#kick(c, "Too many messages");
    controlMessage(c, text);
    this.#checkStreams(c);
  }

  #checkStreams(c: Client): void {
    if (c.streams.size > this.stats.maxStreams) this.stats.maxStreams = c.streams.size;
    if (c.streams.size > (this.#o.streamsPerConnection ?? 1024)) this.#kick(c, "Too many streams");
  }

  #kick(c: Client, why: string): void {
    this.stats.limitDisconnects++;
    c.streams.clear();
    c.sock.close(1008, why);
  }
}
