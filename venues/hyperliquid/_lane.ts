/**
 * Private: one WebSocket connection of `HyperliquidMultiHandler` — its planned subscriptions
 * (request texts, the coin of each), its input queue and socket slot, heartbeat, backoff and
 * connection state, how far the current connection got through its subscriptions, and the
 * silence watch (`venues/_silence.ts`) of each book subscription.
 * @module
 */
import { Backoff, type BackoffOptions } from "../backoff.ts";
import { Inbox } from "./_inbox.ts";
import { SocketSlot } from "./_socket.ts";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat.ts";
import type { PlannedSocket } from "./subscription_plan.ts";
import { BookSource } from "./coin_book.ts";
import { SilenceWatch } from "../_silence.ts";

/** Connection states. */
export const LaneState = { Idle: 0, Connecting: 1, Open: 2, Waiting: 3, Stopped: 4 } as const;

/** One connection and its subscriptions. */
export class Lane {
  /** Position in the handler's lane list. */
  readonly index: number;
  /** True when this connection carries fast `l2Book` only. */
  readonly fast: boolean;
  /** `{"method":"subscribe",…}` texts, in send order. */
  readonly requests: string[];
  /** The `{"method":"unsubscribe",…}` text of each request. */
  readonly unsubscribes: string[];
  /**
   * The book channel each request feeds and the stale watch follows (`BookSource.Slow` or
   * `Fast`), or -1 (bbo: only sent on a change; trades).
   */
  readonly watch: number[];
  /**
   * The silence watch of each watched request (`watch` >= 0; the stale limit), armed when the
   * request is sent, fed by the coin's frames of that channel on this connection.
   */
  readonly silence: (SilenceWatch | undefined)[];
  /** Per coin index: its watched request on this connection, or -1. */
  readonly watchOf: Int32Array;
  /** Requests to send again (unsubscribe, then subscribe) on this connection: a stale coin. */
  redo: number[] = [];
  /** The coin index of each request. */
  readonly coinIndex: number[];
  /** The distinct coin indexes of this connection. */
  readonly coins: number[];
  /** Raw input of this connection. */
  readonly inbox: Inbox = new Inbox(1 << 10);
  /** The socket. */
  readonly sock: SocketSlot = new SocketSlot(this.inbox);
  /** Heartbeat of this connection. */
  readonly hb: Heartbeat;
  /** Reconnect schedule. */
  readonly backoff: Backoff;
  /** A {@linkcode LaneState}. */
  state: number = LaneState.Idle;
  /** Requests of the current connection sent so far. */
  sentSubs = 0;
  /** Subscriptions acknowledged on the current connection. */
  acked = 0;
  /** The reconnect timer. */
  timer: ReturnType<typeof setTimeout> | undefined;

  /** A lane for `plan` over `coins` coins, a coin silent for `staleAfterMs` being stale. */
  constructor(
    index: number,
    plan: PlannedSocket,
    coins: number,
    staleAfterMs: number,
    hb?: HeartbeatOptions,
    backoff?: BackoffOptions,
  ) {
    this.index = index;
    this.fast = plan.fast;
    this.requests = plan.subscriptions.map((s) => JSON.stringify({ method: "subscribe", subscription: s }));
    this.unsubscribes = plan.subscriptions.map((s) =>
      JSON.stringify({ method: "unsubscribe", subscription: s })
    );
    this.watch = plan.subscriptions.map((s) =>
      s.type !== "l2Book" ? -1 : s.fast === true ? BookSource.Fast : BookSource.Slow
    );
    this.coinIndex = plan.coinIndex;
    this.coins = [...new Set(plan.coinIndex)];
    this.silence = this.watch.map((w) => (w >= 0 ? new SilenceWatch(staleAfterMs) : undefined));
    this.watchOf = new Int32Array(coins).fill(-1);
    this.watch.forEach((w, r) => {
      if (w >= 0) this.watchOf[plan.coinIndex[r]!] = r;
    });
    this.hb = new Heartbeat(hb);
    this.backoff = new Backoff(backoff);
  }
}
