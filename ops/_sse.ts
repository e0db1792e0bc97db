/**
 * Private: the live page's server-sent event streams. One ticker (the sampler's period) serves
 * every open stream: each tick sends the selected book's ladder when a new sample exists, and
 * every fourth tick one Worker snapshot (states, counters, latency) goes to all streams.
 * @module
 */
import type { BookSampler } from "./book_sampler.ts";
import type { MetricsLink } from "./channel.ts";
import type { MetricsSnapshot } from "./snapshot.ts";

const enc = new TextEncoder();

interface Client {
  sel: number;
  lastSeq: number;
  ctrl: ReadableStreamDefaultController<Uint8Array>;
}

/** Open SSE streams of the live page and the ticker that feeds them. */
export class SseHub {
  readonly #clients = new Set<Client>();
  readonly #sampler: BookSampler;
  readonly #link: MetricsLink;
  readonly #tickMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticks = 0;

  /** A hub over the sampler's books and the Worker's metrics; ticks every `tickMs`. */
  // The instruments the task samples: other sources in the registry (a many-instrument
  // handler's own name, which only carries connection events) are not instruments.
  readonly #names: Set<string>;

  constructor(sampler: BookSampler, link: MetricsLink, tickMs = 250) {
    this.#names = new Set(sampler.sources.map((s) => s.name));
    this.#sampler = sampler;
    this.#link = link;
    this.#tickMs = tickMs;
  }

  /** Streams open now. */
  get size(): number {
    return this.#clients.size;
  }

  /** A `text/event-stream` response following instrument `name` ("" = none). */
  open(name: string): Response {
    let client: Client;
    const body = new ReadableStream<Uint8Array>({
      start: (ctrl) => {
        let sel = this.#sampler.indexOf(name);
        if (sel < 0 && this.#sampler.sources.length === 1) sel = 0; // one instrument: show it at once
        client = { sel, lastSeq: -1, ctrl };
        this.#clients.add(client);
        if (client.sel >= 0) this.#send(client, "history", this.#sampler.history(client.sel));
        this.#sendBook(client);
        this.#status([client]);
        this.#timer ??= setInterval(() => this.#tick(), this.#tickMs);
      },
      cancel: () => this.#drop(client), // the page went away
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" },
    });
  }

  /** Close every stream and stop ticking. */
  close(): void {
    for (const c of [...this.#clients]) {
      try {
        c.ctrl.close();
      } catch { /* already closed */ }
      this.#drop(c);
    }
  }

  #drop(c: Client | undefined): void {
    if (c === undefined) return;
    this.#clients.delete(c);
    if (this.#clients.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #tick(): void {
    for (const c of this.#clients) this.#sendBook(c);
    if (++this.#ticks % 4 === 0) this.#status([...this.#clients]);
  }

  #sendBook(c: Client): void {
    if (c.sel < 0 || c.lastSeq === this.#sampler.seq) return;
    c.lastSeq = this.#sampler.seq;
    this.#send(c, "book", this.#sampler.ladder(c.sel));
  }

  #status(clients: Client[]): void {
    this.#link.request().then((snap) => {
      for (const c of clients) if (this.#clients.has(c)) this.#send(c, "status", this.#statusOf(snap, c.sel));
    }, () => {
      for (const c of clients) {
        if (this.#clients.has(c)) this.#send(c, "status", { error: "metrics unavailable" });
      }
    });
  }

  #statusOf(snap: MetricsSnapshot, sel: number): unknown {
    const sampler = this.#sampler;
    const selName = sel >= 0 ? sampler.sources[sel]!.name : "";
    return {
      queue: snap.queue,
      instruments: snap.instruments.filter((i) => this.#names.has(i.name)).map((i) => {
        const k = sampler.indexOf(i.name);
        const best = k >= 0 ? sampler.best(k) : { bid: "", ask: "" };
        return {
          name: i.name,
          state: i.state,
          messages: i.messages,
          resyncs: i.resyncs,
          reconnects: i.reconnects,
          age: i.lastMessageAgeS,
          bid: best.bid,
          ask: best.ask,
        };
      }),
      latency: snap.instruments.find((i) => i.name === selName)?.latency ?? null,
    };
  }

  #send(c: Client, event: string, data: unknown): void {
    try {
      c.ctrl.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      this.#drop(c); // the stream closed under us
    }
  }
}
