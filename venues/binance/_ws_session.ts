/**
 * The handler's I/O side: one WebSocket at a time (opened through the redirect follower) and
 * REST snapshot fetches. Every callback only queues into the {@linkcode Inbox} with its receive
 * time and calls `wake()`; the handler's `pollOnce` does the rest. Each connection has a
 * generation number so events of a replaced connection can be told apart.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { Inbox, InKind } from "./_inbox.ts";
import { openWebSocket } from "./redirect.ts";

/** Options of {@linkcode WsSession}. */
export interface WsSessionOptions {
  /** Stream URL. */
  url: string;
  /** Where input goes. */
  inbox: Inbox;
  /** Receive-time clock. */
  clock: Clock;
  /** Called after queuing. */
  wake: () => void;
  /** Redirects followed per connect. */
  maxHops: number;
  /** Queue a `Renew` entry this long after each open, ms. */
  maxConnectionMs: number;
}

/** One WebSocket at a time, plus snapshot fetches. */
export class WsSession {
  /** Generation of the current connection (bumped by `open` and `close`). */
  gen = 0;
  /** Connections opened. */
  opened = 0;
  readonly #o: WsSessionOptions;
  readonly #abort = new AbortController();
  readonly #fetches = new Set<Promise<void>>();
  #ws: WebSocket | null = null;
  #renew: ReturnType<typeof setTimeout> | undefined;
  #connecting: Promise<void> | null = null;
  #closed: Promise<void> = Promise.resolve();
  #stopped = false;

  /** Nothing is opened until {@linkcode WsSession.open}. */
  constructor(o: WsSessionOptions) {
    this.#o = o;
  }

  /** Close the current connection (if any) and open a new one. */
  open(): void {
    if (this.#stopped) return;
    this.close("reconnecting");
    const gen = ++this.gen;
    const { inbox, clock, wake } = this.#o;
    const closed = Promise.withResolvers<void>();
    this.#closed = closed.promise;
    const onMessage = (ev: MessageEvent): void => {
      inbox.push(InKind.Message, ev.data as string, clock.monoNs(), clock.wallNs());
      wake();
    };
    const onClose = (ev: CloseEvent): void => {
      inbox.push(InKind.Close, ev.reason, clock.monoNs(), clock.wallNs(), gen, ev.code);
      closed.resolve();
      wake();
    };
    const opening = openWebSocket(this.#o.url, { onMessage, onClose }, this.#o.maxHops, this.#abort.signal);
    this.#connecting = opening.then(
      (s) => {
        if (gen !== this.gen || this.#stopped) {
          s.ws.close(1000, "superseded");
          return;
        }
        this.#ws = s.ws;
        this.opened++;
        inbox.push(InKind.Open, s.url, clock.monoNs(), clock.wallNs(), gen);
        this.#renew = setTimeout(() => {
          inbox.push(InKind.Renew, "", clock.monoNs(), clock.wallNs(), gen);
          wake();
        }, this.#o.maxConnectionMs);
        wake();
      },
      (e) => {
        closed.resolve();
        inbox.push(InKind.ConnectFailed, e instanceof Error ? e.message : String(e), 0, 0, gen);
        wake();
      },
    ).finally(() => {
      this.#connecting = null;
    });
  }

  /** Close the current connection; its later events carry an old generation. */
  close(reason: string): void {
    clearTimeout(this.#renew);
    this.gen++;
    this.#ws?.close(1000, reason);
    this.#ws = null;
  }

  /** Forget the current socket after its close event (it is already closed). */
  closedByPeer(): void {
    clearTimeout(this.#renew);
    this.#ws = null;
  }

  /** GET `url` and queue the answer as a `Snapshot` entry (status 0 on a network error). */
  fetchSnapshot(url: string): void {
    const p = this.#fetch(url);
    this.#fetches.add(p);
    p.finally(() => this.#fetches.delete(p));
  }

  /** Stop: abort fetches, close the socket and wait until every callback has fired. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    this.close("stopping");
    if (this.#connecting) await this.#connecting;
    await this.#closed;
    await Promise.all([...this.#fetches]);
  }

  async #fetch(url: string): Promise<void> {
    let status = 0;
    let body = "";
    let retry = NaN;
    let used = NaN;
    try {
      const r = await fetch(url, { signal: this.#abort.signal });
      status = r.status;
      body = await r.text();
      const ra = r.headers.get("retry-after");
      const uw = r.headers.get("x-mbx-used-weight-1m");
      if (ra !== null) retry = Number(ra);
      if (uw !== null) used = Number(uw);
    } catch (e) {
      status = 0;
      body = e instanceof Error ? e.message : String(e);
    }
    const { inbox, clock, wake } = this.#o;
    inbox.push(InKind.Snapshot, body, clock.monoNs(), clock.wallNs(), status, retry, used);
    wake();
  }
}
