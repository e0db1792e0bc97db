/**
 * Test support: spawn `tasks/poc_binance.ts` as a child process against a local
 * {@linkcode BinanceSimulator}, capturing into a temp dir (the argument list the signal and
 * SIGKILL end-to-end tests share).
 * @module
 */
import type { BinanceSimulator } from "../sim/binance/simulator.ts";

const TASK = new URL("../tasks/poc_binance.ts", import.meta.url).pathname;

/** How to run the child. */
export interface PocChildOptions {
  /** Capture directory (the only place the child may write). */
  dir: string;
  /** Capture session name (`--capture-session`). */
  session: string;
  /** Further task flags appended after the common ones (e.g. `--book-out`, `--log-file`). */
  extraArgs?: string[];
  /** The child's stderr (default "null"). */
  stderr?: "null" | "piped";
  /** The `--ws-url` (default: the simulator's depth stream). */
  wsUrl?: string;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

/** Spawn `poc:binance` on `sim` (127.0.0.1 only, writes confined to `opts.dir`); stdout is discarded. */
export function spawnPocBinance(sim: BinanceSimulator, opts: PocChildOptions): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      `--allow-write=${opts.dir}`,
      "--allow-env",
      TASK,
      "--ws-url",
      opts.wsUrl ?? sim.wsUrl(),
      "--rest-url",
      sim.restUrl,
      "--capture-dir",
      opts.dir,
      "--capture-session",
      opts.session,
      ...(opts.extraArgs ?? []),
    ],
    stdout: "null",
    stderr: opts.stderr ?? "null",
    ...(opts.env ? { env: opts.env } : {}),
  }).spawn();
}

/** What {@linkcode publishRun} runs. */
export interface PublishRunOptions {
  /** NATS URL for `--publish`. */
  nats: string;
  /** Lower-case stream symbol (default `btcusdt`). */
  symbol?: string;
  /** `--max-messages` (default 400). */
  messages?: number;
  /** More flags (`--publish-format`, `--updates-out`, …). */
  extraArgs?: string[];
}

/**
 * Run `poc:binance --trades --publish <nats> --snapshot-every 0 --book-out <dir>/publisher.json`
 * against `sim` to its `--max-messages` and resolve to its exit status (no snapshot copies: a
 * consumer starts from the run's first message).
 */
export function publishRun(
  sim: BinanceSimulator,
  dir: string,
  o: PublishRunOptions,
): Promise<Deno.CommandStatus> {
  const s = o.symbol ?? "btcusdt";
  const symbolArgs = s === "btcusdt" ? [] : ["--symbol", s.toUpperCase()];
  return spawnPocBinance(sim, {
    dir,
    session: s,
    wsUrl: sim.wsUrl(`/stream?streams=${s}@depth@100ms/${s}@trade`),
    extraArgs: [
      ...symbolArgs,
      "--trades",
      "--max-messages",
      String(o.messages ?? 400),
      "--publish",
      o.nats,
      "--snapshot-every",
      "0",
      "--book-out",
      `${dir}/publisher.json`,
      ...(o.extraArgs ?? []),
    ],
  }).status;
}
