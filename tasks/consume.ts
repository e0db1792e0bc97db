/**
 * `deno task consume`: books rebuilt from the NATS JetStream stream the live tasks publish with
 * `--publish`, in another process: start from each instrument's last snapshot, apply `book`
 * messages, check `seq`, rebuild from the next snapshot after a gap. Thin: flags, then
 * {@linkcode NatsBookConsumer}.
 * @module
 */
import { bookToJson } from "../venues/book_json.ts";
import { formatMessageJson } from "../market/json.ts";
import type { MarketName } from "../market/instrument.ts";
import { parseServers } from "../publish/cli_flags.ts";
import { NatsBookConsumer } from "../publish/consumer.ts";
import { numberFlag, parseCli, UsageError } from "./_cli.ts";
import { startLogger } from "../engine/logger_host.ts";
import { type OpsHandle, startOps } from "../ops/attach.ts";
import { feedFromNats } from "../ops/nats_feed.ts";
import { ConsumerCapture } from "../publish/consumer_capture.ts";
import { captureSessionProblem } from "../venues/capture_names.ts";

const USAGE = `deno task consume --nats <urls> --symbols <SYM,…> [flags]

Rebuilds the books of the given symbols from the JetStream stream published by
poc:binance / poc:hyperliquid --publish, checking seq; starts from the last snapshot copy.

  --nats <urls>           NATS servers, nats://host:port[,…] (required)
  --symbols <S,…>         symbols as the venue spells them (required)
  --venue <v>             venue (default binance)
  --market <m>            market: spot, usdm, perp (default spot)
  --stream <name>         JetStream stream (default MD)
  --duration <s>          stop after s seconds
  --max-messages <n>      stop after n messages (all symbols)
  --to-end                stop once every symbol has caught up with the stream's last message
  --book-out <file>       on exit, the books as JSON (the live tasks' --book-out form)
  --updates-out <file|->  every message applied, as normalized JSON lines (- = stdout)
  --capture-dir <dir>     record every message applied as a normalized capture, per symbol in
                          <dir>/<symbol>/<session>/ (records.jsonl + records.recv_ns + metadata.json)
  --capture-session <s>   its session folder (default: epoch milliseconds); refused when it exists
  --metrics-port <n>      serve /metrics, /healthz and the live page of these books on
                          127.0.0.1:<n> (0 = any free port; the URL is logged)
  --dashboard             the fleet dashboard (deno task dashboard): --metrics-port 9464
                          unless given, runs until Ctrl-C unless --duration

Exit: 0 every book synchronized; 1 a book never synchronized, NATS or the stream unreachable,
or --to-end not reached within --duration; 2 bad flags.`;

const { config } = parseCli(Deno.args, {
  name: "consume",
  usage: USAGE,
  common: false,
  options: {
    nats: { type: "string" },
    symbols: { type: "string" },
    venue: { type: "string" },
    market: { type: "string" },
    stream: { type: "string" },
    duration: { type: "string" },
    "max-messages": { type: "string" },
    "to-end": { type: "boolean" },
    "book-out": { type: "string" },
    "updates-out": { type: "string" },
    "capture-dir": { type: "string" },
    "capture-session": { type: "string" },
    "metrics-port": { type: "string" },
    dashboard: { type: "boolean" },
  },
}, (v) => {
  if (typeof v.nats !== "string") throw new UsageError("--nats nats://host:port is required");
  if (typeof v.symbols !== "string" || v.symbols.trim() === "") throw new UsageError("--symbols is required");
  const market = v.market ?? "spot";
  if (market !== "spot" && market !== "usdm" && market !== "perp") {
    throw new UsageError(`--market must be spot, usdm or perp, got "${market}"`);
  }
  const symbols = v.symbols.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const captureDir = v["capture-dir"] as string | undefined;
  const session = v["capture-session"] as string | undefined;
  if (session !== undefined && captureDir === undefined) {
    throw new UsageError("--capture-session needs --capture-dir");
  }
  if (captureDir !== undefined) {
    for (const s of symbols) {
      const problem = captureSessionProblem(captureDir, s, session);
      if (problem !== undefined) throw new UsageError(problem);
    }
  }
  return {
    servers: parseServers(v.nats).map((s) => s), // same validation as --publish
    symbols,
    captureDir,
    captureSession: session ?? String(Date.now()),
    venue: typeof v.venue === "string" ? v.venue : "binance",
    market: market as MarketName,
    stream: typeof v.stream === "string" ? v.stream : "MD",
    duration: numberFlag("duration", v.duration, false),
    maxMessages: numberFlag("max-messages", v["max-messages"], true),
    toEnd: v["to-end"] === true,
    bookOut: v["book-out"] as string | undefined,
    updatesOut: v["updates-out"] as string | undefined,
    metricsPort: numberFlag("metrics-port", v["metrics-port"], true) ??
      (v.dashboard === true ? 9464 : undefined),
  };
});

Deno.exit(await main());

async function main(): Promise<number> {
  let consumer: NatsBookConsumer;
  try {
    consumer = await NatsBookConsumer.connect({
      servers: config.servers,
      stream: config.stream,
      instruments: config.symbols.map((symbol) => ({ venue: config.venue, market: config.market, symbol })),
    });
  } catch (e) {
    console.error(`consume: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  let out: Deno.FsFile | undefined;
  const enc = new TextEncoder();
  if (config.updatesOut !== undefined && config.updatesOut !== "-") {
    try {
      out = Deno.openSync(config.updatesOut, { write: true, create: true, truncate: true });
    } catch (e) {
      console.error(
        `consume: cannot open --updates-out ${config.updatesOut}: ${e instanceof Error ? e.message : e}`,
      );
      await consumer.close();
      return 1;
    }
  }
  const captures: ConsumerCapture[] = [];
  for (const b of config.captureDir === undefined ? [] : consumer.books) {
    try {
      captures.push(
        await ConsumerCapture.start(config.captureDir!, config.captureSession, b, {
          servers: config.servers,
          stream: config.stream,
        }),
      );
    } catch (e) {
      console.error(`consume: --capture-dir ${config.captureDir}: ${e instanceof Error ? e.message : e}`);
      await Promise.all(captures.map((c) => c.close()));
      await consumer.close();
      out?.close();
      return 1;
    }
  }
  let ops: OpsHandle | undefined;
  let stopOps = async (): Promise<void> => {};
  if (config.metricsPort !== undefined) {
    try {
      const started = await startLogger({ metrics: true });
      const feed = feedFromNats(consumer.books, started.logger);
      ops = await startOps(started.metrics!, config.metricsPort, feed.sources);
      const tick = setInterval(() => feed.tick(), 1000);
      started.logger.info(0, `metrics and live page on ${ops.url}`);
      stopOps = async () => {
        clearInterval(tick);
        feed.tick();
        await ops?.close();
        await started.logger.shutdown();
      };
    } catch (e) {
      console.error(`consume: ${e instanceof Error ? e.message : e}`);
      await consumer.close();
      return 1;
    }
  }
  let messages = 0;
  for (const b of consumer.books) {
    b.subscribe((batch) => {
      messages++;
      if (config.updatesOut === undefined) return;
      const line = enc.encode(formatMessageJson(batch.view, batch.count, b.instrument) + "\n");
      if (out) out.writeSync(line);
      else Deno.stdout.writeSync(line);
    });
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  let code = 0;
  try {
    await consumer.start();
    const caughtUp = (): boolean => consumer.books.every((b) => b.caughtUp);
    const done = (): boolean =>
      stop.signal.aborted || (config.maxMessages !== undefined && messages >= config.maxMessages) ||
      (config.toEnd && caughtUp());
    stop.signal.addEventListener("abort", () => consumer.books.forEach(() => {}));
    const ms = config.duration === undefined ? 2 ** 31 - 1 : config.duration * 1000;
    const abortWait = new Promise<void>((r) => stop.signal.addEventListener("abort", () => r()));
    await Promise.race([consumer.until(done, ms).catch(() => {}), abortWait]);
    if (config.toEnd && !caughtUp()) {
      console.error(`consume: --to-end not reached within --duration ${config.duration}`);
      code = 1;
    }
  } catch (e) {
    console.error(`consume: ${e instanceof Error ? e.message : e}`);
    code = 1;
  }
  await consumer.close();
  for (const c of captures) {
    await c.close();
    const stop = c.writer.stopped;
    if (stop !== null) {
      console.error(`consume: the capture ${c.dir} stopped writing: ${stop.reason}`);
      code = 1;
    } else console.error(`[consume] captured ${c.lines} messages in ${c.dir}`);
  }
  await stopOps();
  Deno.removeSignalListener("SIGINT", onSignal);
  out?.close();
  for (const b of consumer.books) {
    const r = b.replica;
    const line = `[consume] ${b.subjects.prefix}: ${b.messages} messages, book seq ${r.bookSeq}, ` +
      `${r.missedBook} book seqs missed${
        b.missing.length ? ` (${b.missing.map(([a, z]) => `${a}..${z}`).join(", ")})` : ""
      }, ` +
      `${b.foreign} foreign payloads skipped, ${
        b.synchronized ? (r.valid ? "valid" : "INVALID at the end") : "NEVER synchronized"
      }`;
    console.error(line);
    if (!b.synchronized) code = 1;
  }
  if (config.bookOut !== undefined) {
    const books = consumer.books.map((b) =>
      bookToJson(b.replica.book, {
        venue: b.instrument.venue,
        symbol: b.instrument.symbol,
        priceScale: b.instrument.priceDecimals,
        qtyScale: b.instrument.qtyDecimals,
      })
    );
    try {
      Deno.writeTextFileSync(
        config.bookOut,
        JSON.stringify(books.length === 1 ? books[0] : { books }) + "\n",
      );
    } catch (e) {
      console.error(
        `consume: cannot write --book-out ${config.bookOut}: ${e instanceof Error ? e.message : e}`,
      );
      code = 1;
    }
  }
  return code;
}
