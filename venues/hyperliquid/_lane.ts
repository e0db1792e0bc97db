/**
 * Private: one WebSocket connection of `HyperliquidMultiHandler` — its planned subscriptions
 * (request texts, the coin of each), its input queue and socket slot, heartbeat, backoff and
 * connection state, and how far the current connection got through its subscriptions.
 * @module
 */
import { Backoff, type BackoffOptions } from "../backoff.ts";
import { Inbox } from "./_inbox.ts";
import { SocketSlot } from "./_socket.ts";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat.ts";
import type { PlannedSocket } from "./subscription_plan.ts";
import { BookSource } from "./coin_book.ts";

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

  /** A lane for `plan`. */
  constructor(index: number, plan: PlannedSocket, hb?: HeartbeatOptions, backoff?: BackoffOptions) {
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
    this.hb = new Heartbeat(hb);
    this.backoff = new Backoff(backoff);
  }
}
