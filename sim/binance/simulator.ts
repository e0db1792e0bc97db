/**
 * A Binance-spot-compatible simulator on 127.0.0.1, driven by {@linkcode SyntheticMarket} or by
 * replaying a capture directory.
 *
 * Endpoints:
 * - `GET /api/v3/depth?symbol=X&limit=N` — request weight 5/25/50/250, `X-MBX-USED-WEIGHT-1M`,
 *   429 + `Retry-After` over 6000/minute or on the `rate_limit` fault, 418 on the `ban` fault.
 * - WebSocket `/ws/<stream>[/<stream>…]` (raw payloads), `/stream?streams=a/b` (combined
 *   `{"stream","data"}`), `/ws` + `SUBSCRIBE`/`UNSUBSCRIBE`/`LIST_SUBSCRIPTIONS`. Streams:
 *   `<s>@depth@100ms` (every batch), `<s>@depth` (merged over 1000 ms), `<s>@trade`. Pings every
 *   `pingIntervalMs`. `/live/…` serves the same streams (the redirect target).
 * - USD-M futures (`market.futures`, or a `replayDir` whose frames carry `pu`): REST
 *   `GET /fapi/v1/depth` (limits 5–1000, weights 2/5/10/20, 2400/minute, `E`/`T` in the body)
 *   instead of `/api/v3/depth`; WebSocket paths under `/public` (`/public/ws/…`,
 *   `/public/stream?streams=…`); frames carry `T` and `pu`; `<s>@depth@0ms` is served like
 *   `@depth@100ms`.
 * - Control: `POST /sim/fault?kind=<fault>`, `GET /sim/truth` (the true book as JSON).
 *
 * Faults ({@linkcode SimFault}), armed with {@linkcode BinanceSimulator.fault} or the `faults`
 * option at a batch number: `drop` (TCP close without a close frame), `skip_update` (the next
 * diff is not sent: a gap), `stale_snapshot` (the next REST answer is an old snapshot),
 * `rate_limit` (the next `rateLimitCount` REST answers are 429), `ban` (the next REST answer is
 * 418), `malformed` (a broken frame before the next diff), `server_shutdown` (a serverShutdown
 * event, then a close after `shutdownGraceMs`), `redirect` (toggles: upgrades on `/ws`, `/stream`
 * get 301 to `/live/…`), `silence` (the connections open now get no more data, but stay open
 * and keep getting pings: a stuck stream), `binary` (a binary frame before the next diff).
 *
 * The REST route and its faults live in `_sim_depth.ts`, the stream fan-out and its frame faults
 * in `_sim_fanout.ts`, the WebSocket sessions (paths, redirect, upgrade) in `_sim_session.ts`.
 * @module
 */
import { type Clock, systemClock } from "../../engine/clock.ts";
import { type LongTimer, setLongInterval } from "../../engine/timer.ts";
import type { L2Book } from "../../venues/book.ts";
import { SyntheticMarket } from "./market.ts";
import { sendTo, type SimClient } from "./_sim_streams.ts";
import { acceptLoop, readRequest, respond } from "./_sim_http.ts";
import { DepthRoute } from "./_sim_depth.ts";
import { ReplayDriver, type SimDriver } from "./_sim_replay.ts";
import { StreamFanout } from "./_sim_fanout.ts";
import { serveSession } from "./_sim_session.ts";
import { SIM_FAULTS, type SimFault, type SimStats, type SimulatorOptions } from "./_sim_types.ts";

export { SIM_FAULTS, type SimFault, type SimStats, type SimulatorOptions } from "./_sim_types.ts";

const enc = new TextEncoder();

/** The simulator. Close it with {@linkcode BinanceSimulator.close}. */
export class BinanceSimulator {
  /** Bound port. */
  readonly port: number;
  /** Counters. */
  readonly stats: SimStats = {
    connections: 0,
    snapshots: 0,
    rateLimited: 0,
    banned: 0,
    redirects: 0,
    framesSent: 0,
  };
  /** Batches produced so far. */
  batches = 0;
  /** Resolves when `maxBatches` were produced or a replay ran out. */
  readonly finished: Promise<void>;
  readonly #listener: Deno.Listener;
  readonly #driver: SimDriver;
  readonly #opts: SimulatorOptions;
  readonly #clients = new Set<SimClient>();
  readonly #rest: DepthRoute;
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  readonly #intervals: LongTimer[] = [];
  readonly #conns = new Set<Promise<void>>();
  readonly #truthFile: Deno.FsFile | null;
  #snapAt = -1; // batches sent when the first REST snapshot had been served
  #finish!: () => void;
  readonly #fanout: StreamFanout;
  #redirect = false;
  #closed = false;
  #maxBatches: number | undefined;
  #accepting: Promise<void>;

  readonly #clock: Clock;

  private constructor(listener: Deno.Listener, opts: SimulatorOptions) {
    this.#listener = listener;
    this.port = (listener.addr as Deno.NetAddr).port;
    this.#opts = opts;
    this.#maxBatches = opts.maxBatches;
    this.#driver = opts.replayDir ? new ReplayDriver(opts.replayDir) : new SyntheticMarket(opts.market);
    const clock = opts.clock ?? systemClock;
    this.#clock = clock;
    this.#rest = new DepthRoute(
      this.#driver,
      this.stats,
      clock,
      opts.weightLimit ?? (this.#driver.futures ? 2400 : 6000),
      opts.retryAfterSec ?? 1,
    );
    this.#fanout = new StreamFanout(this.#driver, this.#clients, this.stats);
    this.#truthFile = opts.truthFile
      ? Deno.openSync(opts.truthFile, { write: true, create: true, truncate: true })
      : null;
    this.finished = new Promise((r) => this.#finish = r);
    this.#accepting = acceptLoop(this.#listener, (c) => this.#serve(c), this.#conns);
    const every = opts.intervalMs ?? 100;
    // Long timers: an interval past 2^31-1 ms (24.8 days) would fire every ms with setInterval.
    if (every > 0) this.#intervals.push(setLongInterval(() => this.step(), every));
    const ping = opts.pingIntervalMs ?? 20_000;
    if (ping > 0) this.#intervals.push(setLongInterval(() => this.#pingAll(), ping));
  }

  /** Listen on 127.0.0.1 and start producing. */
  static start(opts: SimulatorOptions = {}): Promise<BinanceSimulator> {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: opts.port ?? 0 });
    return Promise.resolve(new BinanceSimulator(listener, opts));
  }

  /** True when serving USD-M futures (see the module doc). */
  get futures(): boolean {
    return this.#driver.futures;
  }
  /** The REST depth path served: `/api/v3/depth`, or `/fapi/v1/depth` for USD-M. */
  get depthPath(): string {
    return this.#driver.futures ? "/fapi/v1/depth" : "/api/v3/depth";
  }
  /** The truth book's scale: prices × 10^priceDecimals (the tick's decimals), quantities × 10^qtyDecimals. */
  get scale(): { priceDecimals: number; qtyDecimals: number } {
    return { priceDecimals: this.#driver.priceScale, qtyDecimals: this.#driver.qtyScale };
  }

  /** Upper-case symbol served. */
  get symbol(): string {
    return this.#driver.symbol;
  }
  /** `http://127.0.0.1:<port>` (the `--rest-url`). */
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** A WebSocket URL for `path`, e.g. `/ws/btcusdt@depth@100ms`. */
  wsUrl(path = `${this.futures ? "/public" : ""}/ws/${this.symbol.toLowerCase()}@depth@100ms`): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }
  /** The true book: what has been sent so far (`updateId` = last update id produced). */
  get truth(): L2Book {
    return this.#driver.book;
  }
  /** Open WebSocket connections. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Arm a fault (applied at the next opportunity; `drop` and `redirect` at once). */
  fault(kind: SimFault): void {
    switch (kind) {
      case "drop":
        for (const c of this.#clients) c.sock.drop();
        return;
      case "skip_update":
        this.#fanout.skip++;
        return;
      case "stale_snapshot":
        this.#rest.stale++;
        return;
      case "rate_limit":
        this.#rest.rateLimit += this.#opts.rateLimitCount ?? 2;
        return;
      case "ban":
        this.#rest.ban++;
        return;
      case "malformed":
        this.#fanout.malformed++;
        return;
      case "server_shutdown":
        this.#serverShutdown();
        return;
      case "redirect":
        this.#redirect = !this.#redirect;
        return;
      case "silence":
        for (const c of this.#clients) c.silent = true;
        return;
      case "binary":
        this.#fanout.binary++;
        return;
    }
  }

  /** Produce at most `n` more batches, then resolve {@linkcode BinanceSimulator.finished}. */
  stopAfter(n: number): void {
    this.#maxBatches = this.batches + n;
    if (n <= 0) this.#finish();
  }

  /** Produce and broadcast `n` batches now (also driven by the interval timer). */
  step(n = 1): void {
    for (let i = 0; i < n; i++) {
      if (this.#closed) return;
      const max = this.#maxBatches;
      if (max !== undefined && this.batches >= max) return this.#finish();
      if (this.#snapAt < 0 && this.stats.snapshots > 0) this.#snapAt = this.batches;
      for (const f of this.#opts.faults ?? []) {
        const at = "atBatch" in f ? f.atBatch : this.#snapAt < 0 ? -1 : this.#snapAt + f.afterSnapshot;
        if (at === this.batches + 1) this.fault(f.kind);
      }
      const b = this.#driver.step();
      if (b === null) return this.#finish();
      this.batches++;
      this.#fanout.broadcast(b, this.batches);
      if (this.#truthFile && b.truth.length > 0) {
        this.#truthFile.writeSync(enc.encode(b.truth.join("\n") + "\n"));
      }
      if (max !== undefined && this.batches >= max) this.#finish();
    }
  }

  /** Stop everything: timers, listener, connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    for (const t of this.#intervals) t.clear();
    this.#listener.close();
    await this.#accepting;
    for (const c of this.#clients) c.sock.drop();
    await Promise.all([...this.#conns]);
    this.#truthFile?.close();
    this.#finish();
  }

  #serverShutdown(): void {
    const ev = `{"e":"serverShutdown","E":${Math.round(this.#clock.wallNs() / 1e6)}}`;
    const targets = [...this.#clients];
    for (const c of targets) sendTo(c, "!serverShutdown", ev);
    const t = setTimeout(() => {
      for (const c of targets) c.sock.close(1001, "server shutdown");
    }, this.#opts.shutdownGraceMs ?? 200);
    this.#timers.push(t);
  }

  #pingAll(): void {
    for (const c of this.#clients) c.sock.ping();
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const req = await readRequest(conn);
    if (req === null) {
      conn.close();
      return;
    }
    const path = req.url.pathname;
    if (path === this.depthPath) return this.#rest.serve(conn, req.url);
    if (path === "/api/v3/exchangeInfo" || path === "/fapi/v1/exchangeInfo") {
      return this.#rest.serveExchangeInfo(conn, req.url);
    }
    if (path === "/sim/fault") {
      const kind = req.url.searchParams.get("kind") as SimFault;
      if (!SIM_FAULTS.includes(kind)) return respond(conn, 400, `{"error":"unknown fault"}`);
      this.fault(kind);
      return respond(conn, 200, `{"ok":true,"fault":"${kind}"}`);
    }
    if (path === "/sim/truth") return respond(conn, 200, this.#driver.snapshotJson(5000));
    return serveSession(conn, req, this.futures, this.#redirect, this.stats, this.#clients);
  }
}
