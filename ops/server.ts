/**
 * The operations HTTP server of a long-running task, on `Deno.serve` bound to 127.0.0.1:
 * `/metrics` (Prometheus text format, built by the logger Worker), `/healthz` (200 while every
 * instrument is synchronized, else 503 listing those that are not), `/` the live page with its
 * assets (served from `ops/page/`), and `/events` its server-sent events.
 * @module
 */
import type { BookSampler } from "./book_sampler.ts";
import { type MetricsLink, WANT_TEXT } from "./channel.ts";
import { PROM_CONTENT_TYPE } from "./exposition.ts";
import type { InstrumentSnapshot } from "./snapshot.ts";
import { SseHub } from "./_sse.ts";

/** Options of {@linkcode startOpsServer}. */
export interface OpsServerOptions {
  /** TCP port on 127.0.0.1 (0 = any free port). */
  port: number;
  /** Asks the logger Worker for metrics. */
  link: MetricsLink;
  /** The book sampler behind the page's ladders (its timer is the caller's). */
  sampler: BookSampler;
}

/** A running server. */
export interface OpsServer {
  /** The port actually bound. */
  port: number;
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** Close the event streams and the server. */
  close(): Promise<void>;
}

const ASSETS: Record<string, string> = {
  "/": "index.html",
  "/app.js": "app.js",
  "/app.css": "app.css",
};
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

const STATE_WORDS: Record<string, string> = {
  never: "never synchronized",
  resyncing: "resyncing",
  stale: "stale",
  synchronized: "synchronized",
};

/** The `/healthz` answer for `instruments`: status and a plain-text body. */
export function health(instruments: readonly InstrumentSnapshot[]): { status: number; body: string } {
  if (instruments.length === 0) return { status: 503, body: "not synchronized: no instrument has started\n" };
  const bad = instruments.filter((i) => i.state !== "synchronized");
  if (bad.length === 0) return { status: 200, body: `ok: ${instruments.length} synchronized\n` };
  const lines = bad.map((i) => `${i.name} ${STATE_WORDS[i.state]}`);
  return {
    status: 503,
    body: `not synchronized (${bad.length} of ${instruments.length}):\n${lines.join("\n")}\n`,
  };
}

/**
 * Read the page assets and listen on 127.0.0.1:`port`. Rejects with a one-line message when the
 * port cannot be bound or an asset cannot be read.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const files: Record<string, { body: string; type: string }> = {};
  for (const [path, file] of Object.entries(ASSETS)) {
    try {
      const body = await Deno.readTextFile(new URL(`./page/${file}`, import.meta.url));
      files[path] = { body, type: TYPES[file.slice(file.lastIndexOf(".") + 1)]! };
    } catch (e) {
      throw new Error(`ops page asset ${file}: ${e instanceof Error ? e.message : e}`);
    }
  }
  const { link, sampler } = options;
  // Health and the page cover the instruments sampled (not a many-instrument handler's own name).
  const names = new Set(sampler.sources.map((s) => s.name));
  const hub = new SseHub(sampler, link);
  const text = (status: number, body: string, type = "text/plain; charset=utf-8"): Response =>
    new Response(body, { status, headers: { "content-type": type, "cache-control": "no-store" } });
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (req.method !== "GET" && req.method !== "HEAD") return text(405, "method not allowed\n");
    const asset = files[url.pathname];
    if (asset !== undefined) return text(200, asset.body, asset.type);
    try {
      switch (url.pathname) {
        case "/metrics":
          return text(200, (await link.request(WANT_TEXT)).text ?? "", PROM_CONTENT_TYPE);
        case "/healthz": {
          const h = health((await link.request()).instruments.filter((i) => names.has(i.name)));
          return text(h.status, h.body);
        }
        case "/events":
          return hub.open(url.searchParams.get("i") ?? "");
      }
    } catch (e) {
      return text(503, `metrics unavailable: ${e instanceof Error ? e.message : e}\n`);
    }
    return text(404, "not found\n");
  };
  let server: Deno.HttpServer<Deno.NetAddr>;
  const listening = Promise.withResolvers<number>();
  try {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port,
      onListen: (a) => listening.resolve(a.port),
      onError: (e) => text(500, `internal error: ${e instanceof Error ? e.message : e}\n`),
    }, handler);
  } catch (e) {
    const why = e instanceof Deno.errors.AddrInUse
      ? "the port is in use"
      : e instanceof Error
      ? e.message
      : e;
    throw new Error(`--metrics-port ${options.port}: cannot listen on 127.0.0.1: ${why}`);
  }
  const port = await listening.promise;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      hub.close();
      await server.shutdown();
    },
  };
}
