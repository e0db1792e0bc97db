/**
 * Test support: a headless Chromium driven over the DevTools protocol with Deno's own
 * WebSocket (no npm package): open a page, evaluate expressions, wait for a condition with a
 * deadline, take a screenshot. Skips (returns null) only when `chromium` is not installed.
 * @module
 */

/** A page in a headless Chromium. */
export interface Browser {
  /** Evaluate `expr` in the page and return its JSON value. */
  evaluate<T>(expr: string): Promise<T>;
  /** Poll `expr` until it is truthy or `timeoutMs` passes (then throw with `what`). */
  waitFor(expr: string, what: string, timeoutMs?: number): Promise<void>;
  /** A PNG screenshot of the page. */
  screenshot(): Promise<Uint8Array>;
  /** Close the browser and remove its profile. */
  close(): Promise<void>;
}

/** The Chromium binary, or null when it is not installed. */
export function chromiumPath(): string | null {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* next */ }
  }
  return null;
}

/** Start Chromium on `url` (1200×800). Throws when it does not come up within 30 s. */
export async function openPage(bin: string, url: string): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "hft-chromium-" });
  const child = new Deno.Command(bin, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "--window-size=1200,800",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const wsUrl = await devtoolsUrl(child.stderr, 30_000).catch(async (e) => {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  });
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((res, rej) => {
    ws.onopen = () => res();
    ws.onerror = () => rej(new Error("cannot connect to Chromium's DevTools socket"));
  });
  let id = 0;
  const pending = new Map<number, { res: (v: unknown) => void; rej: (e: Error) => void }>();
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data as string);
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    if (m.error) p.rej(new Error(`CDP: ${m.error.message}`));
    else p.res(m.result);
  };
  // deno-lint-ignore no-explicit-any -- DevTools protocol replies are untyped JSON
  const send = (method: string, params: unknown = {}, sessionId?: string): Promise<any> => {
    const msg = { id: ++id, method, params, ...(sessionId ? { sessionId } : {}) };
    return new Promise((res, rej) => {
      pending.set(msg.id, { res, rej });
      ws.send(JSON.stringify(msg));
    });
  };
  const { targetId } = await send("Target.createTarget", { url });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const evaluate = async <T>(expr: string): Promise<T> => {
    const r = await send("Runtime.evaluate", { expression: expr, returnByValue: true }, sessionId);
    if (r.exceptionDetails) {
      throw new Error(`page error: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    }
    return r.result.value as T;
  };
  return {
    evaluate,
    async waitFor(expr, what, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      // The page may still be loading (or be about:blank): an exception counts as not yet.
      while (
        !(await evaluate<boolean>(`(() => { try { return !!(${expr}); } catch { return false; } })()`))
      ) {
        if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async screenshot() {
      const { data } = await send("Page.captureScreenshot", { format: "png" }, sessionId);
      return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    },
    async close() {
      try {
        await send("Browser.close");
      } catch { /* already gone */ }
      ws.close();
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await child.status;
      clearTimeout(t);
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

async function devtoolsUrl(stderr: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const timer = setTimeout(() => reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Chromium did not print its DevTools URL within ${timeoutMs} ms:\n${buf}`);
      buf += value;
      const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        // Keep draining stderr so Chromium never blocks on a full pipe.
        (async () => {
          try {
            while (!(await reader.read()).done) { /* discard */ }
          } catch { /* closed */ }
        })();
        return m[1]!;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
