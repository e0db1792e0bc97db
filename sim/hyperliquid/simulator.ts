/**
 * A local Hyperliquid-compatible WebSocket server on 127.0.0.1 for tests, demos and
 * `deno task sim:hyperliquid`.
 *
 * Protocol, as the venue: on connect the plain-text greeting "Websocket connection
 * established."; `{"method":"subscribe","subscription":{"type":"l2Book","coin":C,…}}` is
 * validated (coin, `nSigFigs` ∈ {2,3,4,5}, `mantissa` ∈ {1,2,5} only with `nSigFigs` 5) and
 * answered with `subscriptionResponse` echoing the subscription, then the current book at once;
 * `trades` subscriptions get trades; `{"method":"ping"}` gets `{"channel":"pong"}`; bad requests
 * get `{"channel":"error","data":"…"}`; a connection that sends nothing for `idleTimeoutMs` is
 * closed (the venue's 60 s rule). Aggregation by `nSigFigs` is acknowledged but not applied
 * (every subscription received is kept in {@linkcode HyperliquidSimulator.subscriptions}).
 * `{"method":"unsubscribe",…}` removes a subscription and is answered like the venue
 * (`subscriptionResponse` with method `unsubscribe`). On the same port, `POST /info` answers
 * `{"type":"meta"}` (optionally `"dex"`) and `{"type":"spotMeta"}` for the coins served
 * (`_sim_info.ts`; `szDecimals` 5, or 0 for PEPE-sized coins, or as `szDecimals` says).
 *
 * Books come from a seeded {@linkcode SynthBook} or from a recorded capture's lines (e.g. the
 * shared fixture), sent verbatim in order and cycled. {@linkcode HyperliquidSimulator.step}
 * publishes the next book (tests step by hand; `intervalMs` > 0 steps on a timer).
 *
 * Faults ({@linkcode HyperliquidSimulator.fault}): `disconnect` closes every connection;
 * `error` sends an error frame; `silence` makes current connections receive nothing (no books,
 * no pongs) until the client gives up; `cross` makes the next book crossed;
 * {@linkcode HyperliquidSimulator.stall} stops one coin's frames on the current connections
 * until that coin is subscribed again (a stuck subscription). Allocates freely:
 * not a hot path. Option types live in `_sim_types.ts`, subscription validation and the
 * `cross` rewrite in `_sim_protocol.ts`, the connections and their protocol in `_sim_conns.ts`.
 * @module
 */
import { SynthBook } from "./_synth.ts";
import { infoAnswer } from "./_sim_info.ts";
import { crossLine } from "./_sim_protocol.ts";
import { type HlSimStats, SimConnections } from "./_sim_conns.ts";
import { HL_FAST_DEPTH } from "../../venues/hyperliquid/coin_book.ts";
import type { HlSimEvent, HlSimFault, HlSimOptions } from "./_sim_types.ts";
import { type LongTimer, setLongInterval } from "../../engine/timer.ts";

export type { HlSimEvent, HlSimFault, HlSimOptions } from "./_sim_types.ts";
export type { HlSimStats } from "./_sim_conns.ts";
export { validateSubscription } from "./_sim_protocol.ts";

/** The simulator server. Create with {@linkcode HyperliquidSimulator.start}. */
export class HyperliquidSimulator {
  /** The port bound. */
  readonly port: number;
  /** Coin served (the first of {@linkcode coins}). */
  readonly coin: string;
  /** Coins served. */
  readonly coins: readonly string[];
  /** The last `l2Book` frame published (undefined before the first step). */
  lastBook: string | undefined;
  /** Counters for tests. */
  readonly stats: HlSimStats = {
    connections: 0,
    subscribes: 0,
    unsubscribes: 0,
    pings: 0,
    pongs: 0,
    books: 0,
    errors: 0,
    refused: 0,
    infoRequests: 0,
  };
  readonly #server: Deno.HttpServer;
  readonly #conns: SimConnections;
  readonly #synth: SynthBook | undefined;
  readonly #synths = new Map<string, SynthBook>();
  readonly #frames = new Map<string, string>(); // subscription key -> the latest frame
  readonly #slowEvery: number;
  readonly #lines: string[];
  readonly #tradeEvery: number;
  readonly #szDecimals: Record<string, number>;
  #infoFailures: number;
  #line = 0;
  #time: number;
  #crossNext = false;
  #timer: LongTimer | undefined;

  private constructor(opts: HlSimOptions, server: (h: Deno.ServeHandler) => Deno.HttpServer) {
    this.coins = opts.lines ? [opts.coin ?? "BTC"] : opts.coins ?? [opts.coin ?? "BTC"];
    this.coin = this.coins[0]!;
    this.#lines = (opts.lines ?? []).filter((l) => l.includes('"l2Book"') || l.includes('"trades"'));
    const pepe = opts.pepeCoins ?? [];
    if (!opts.lines) {
      this.coins.forEach((c, i) => {
        const shape = pepe.includes(c) ? "pepe" : "normal";
        this.#synths.set(c, new SynthBook(c, (opts.seed ?? 1) + i, undefined, shape));
      });
    }
    this.#szDecimals = { ...Object.fromEntries(pepe.map((c) => [c, 0])), ...opts.szDecimals };
    this.#infoFailures = opts.infoFailures ?? 0;
    this.#synth = this.#synths.get(this.coin);
    this.#slowEvery = opts.slowEvery ?? 1;
    this.#tradeEvery = opts.tradeEvery ?? 3;
    this.#time = opts.startTimeMs ?? 1_700_000_000_000;
    const timing = opts.timing ?? {};
    this.#conns = new SimConnections({
      coins: this.coins,
      maxSubs: opts.maxSubscriptions ?? 1000,
      maxConns: opts.maxConnections ?? 10,
      idleMs: opts.idleTimeoutMs ?? 60_000,
      timing,
      frameOf: (key) => this.#frames.get(key),
    }, this.stats);
    if (this.#synth) this.#render(false);
    else {
      this.#advanceLines(false);
      this.#frames.set(`l2Book|${this.coin}`, this.lastBook!);
    }
    this.#server = server((req) => this.#handle(req));
    this.port = (this.#server.addr as Deno.NetAddr).port;
    const every = opts.intervalMs ?? 0;
    if (every > 0) this.#timer = setLongInterval(() => this.step(), every, timing);
  }

  /** Bind 127.0.0.1:`port` and start serving. */
  static start(opts: HlSimOptions = {}): Promise<HyperliquidSimulator> {
    if (opts.lines && opts.lines.filter((l) => l.includes('"l2Book"')).length === 0) {
      return Promise.reject(new RangeError("lines hold no l2Book frame"));
    }
    return new Promise((resolve) => {
      const sim: HyperliquidSimulator = new HyperliquidSimulator(opts, (h) =>
        Deno.serve({
          hostname: "127.0.0.1",
          port: opts.port ?? 0,
          onListen: () => queueMicrotask(() => resolve(sim)),
        }, h));
    });
  }

  /** WebSocket URL of the server. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** REST base URL of the server (`POST /info`). */
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Open connections. */
  get connections(): number {
    return this.#conns.size;
  }

  /** Every subscription object received with `subscribe`, in order. */
  get subscriptions(): readonly Record<string, unknown>[] {
    return this.#conns.subscriptions;
  }

  /** Resolves the next time `ev` happens. */
  waitFor(ev: HlSimEvent): Promise<void> {
    return this.#conns.waitFor(ev);
  }

  /**
   * Publish the next step to every subscribed connection: per coin the trades, the slow l2Book
   * (every `slowEvery` steps), the fast l2Book (top 5 of the same truth) and the bbo when the
   * best levels changed. Returns the first coin's slow book frame (sent or not).
   */
  step(): string {
    let frame: string;
    if (this.#synth) {
      this.#time += 500;
      const n = ++this.stats.books;
      for (const [coin, synth] of this.#synths) {
        synth.step();
        if (this.#tradeEvery > 0 && n % this.#tradeEvery === 0) {
          this.#conns.broadcast(`trades|${coin}`, synth.tradesFrame(this.#time - 1));
        }
      }
      this.#render(true, n % this.#slowEvery === 0);
      frame = this.lastBook!;
    } else {
      this.stats.books++;
      frame = this.#advanceLines(true);
      if (this.#crossNext) frame = crossLine(frame);
      this.lastBook = frame;
      this.#frames.set(`l2Book|${this.coin}`, frame);
      this.#conns.broadcast(`l2Book|${this.coin}`, frame);
    }
    this.#crossNext = false;
    return frame;
  }

  // Render every coin's frames at the current time; `send` broadcasts them (slow ones if `slow`).
  #render(send: boolean, slow = true): void {
    for (const [coin, synth] of this.#synths) {
      const crossed = this.#crossNext && coin === this.coin;
      const book = synth.bookFrame(this.#time, crossed);
      if (coin === this.coin) this.lastBook = book;
      const bbo = synth.bboFrame(this.#time);
      const oldBbo = this.#frames.get(`bbo|${coin}`);
      const same = oldBbo !== undefined &&
        oldBbo.slice(oldBbo.indexOf('"bbo":[')) === bbo.slice(bbo.indexOf('"bbo":['));
      const fresh: [string, string, boolean][] = [
        [`l2Book|${coin}`, book, slow],
        [`l2Book.fast|${coin}`, synth.bookFrame(this.#time, crossed, HL_FAST_DEPTH), true],
        [`bbo|${coin}`, bbo, !same],
      ];
      for (const [key, f, due] of fresh) {
        if (!due) continue;
        this.#frames.set(key, f);
        if (send) this.#conns.broadcast(key, f);
      }
    }
  }

  /** Inject a fault (see the module doc). */
  fault(kind: HlSimFault): void {
    switch (kind) {
      case "disconnect":
        this.#conns.dropAll(1012, "simulated disconnect");
        break;
      case "error":
        this.stats.errors++;
        this.#conns.sendAll('{"channel":"error","data":"Simulated server error"}');
        break;
      case "silence":
        this.#conns.silenceAll();
        break;
      case "cross":
        this.#crossNext = true;
        break;
    }
  }

  /**
   * A stuck subscription: `coin`'s frames stop reaching the connections (other coins carry on)
   * until `coin` is subscribed again on a connection, e.g. after an unsubscribe.
   */
  stall(coin: string): void {
    this.#conns.stall(coin);
  }

  /** The latest frame of subscription `key` (`l2Book|BTC`, `l2Book.fast|BTC`, `bbo|BTC`). */
  frameOf(key: string): string | undefined {
    return this.#frames.get(key);
  }

  /** Send `frame` verbatim to every connection (tests: malformed or unexpected frames). */
  sendRaw(frame: string): void {
    this.#conns.sendAll(frame);
  }

  /** Close every connection and the server. */
  async close(): Promise<void> {
    this.#timer?.clear();
    this.#timer = undefined;
    this.#conns.dropAll(1001, "simulator closing");
    await this.#server.shutdown();
  }

  // Next l2Book line (sending the trades lines before it when `send`), cycling.
  #advanceLines(send: boolean): string {
    for (let guard = 0; guard <= this.#lines.length * 2; guard++) {
      const line = this.#lines[this.#line]!;
      this.#line = (this.#line + 1) % this.#lines.length;
      if (line.includes('"l2Book"')) {
        if (!send) this.lastBook = line;
        return line;
      }
      if (send) this.#conns.broadcast(`trades|${this.coin}`, line);
    }
    throw new RangeError("no l2Book line");
  }

  #handle(req: Request): Response | Promise<Response> {
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket") return this.#conns.accept(req);
    if (req.method === "POST" && new URL(req.url).pathname === "/info") return this.#info(req);
    return new Response("websocket only (and POST /info)\n", { status: 426 });
  }

  async #info(req: Request): Promise<Response> {
    this.stats.infoRequests++;
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return new Response("Failed to parse the request body as JSON", { status: 400 });
    }
    if (this.#infoFailures > 0) {
      this.#infoFailures--;
      return new Response("simulated server error", { status: 500 });
    }
    const a = infoAnswer(body, this.coins, (c) => this.#szDecimals[c] ?? 5);
    return new Response(a.body, { status: a.status, headers: { "content-type": "application/json" } });
  }
}
