/**
 * Private: the socket-level floors of `bench/nats_floor.ts` — for a *measurement* only, the product
 * keeps the npm client. Each floor sends 320-byte messages stamped with `performance.now()` and
 * records the delay until this process reads them back:
 *
 * - {@linkcode echoFloor}: `Deno.connect` to a TCP echo server in a child Deno process (no NATS);
 * - {@linkcode rawNatsFloor}: two connections to nats-server speaking nothing but `CONNECT`, `SUB`,
 *   `PUB`, `MSG` and `PING`/`PONG` lines, over `Deno.connect` or `node:net` (TCP_NODELAY set).
 *
 * The pacer and the quantiles are `_nats_latency.ts`'s, so the figures compare with its floor.
 * @module
 */
import net from "node:net";
import { type Lat, measured, messagesAt } from "./_nats_latency.ts";

/** The size of every floor message, as the NATS floor's. */
export const MSG_BYTES = 320;
const enc = new TextEncoder();
const CRLF = [13, 10];

/** A byte stream both socket APIs are reduced to: write (in order, not awaited), close. */
interface Pipe {
  write(b: Uint8Array): void;
  close(): void;
}

/** `Deno.connect`: reads handed to `onData`, writes chained so they stay in order. */
async function denoPipe(port: number, onData: (b: Uint8Array) => void): Promise<Pipe> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  (async () => {
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) return;
      onData(buf.subarray(0, n));
    }
  })();
  let queue: Uint8Array[] = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (queue.length > 0) {
      const q = queue;
      queue = [];
      for (const b of q) {
        let off = 0;
        while (off < b.length) off += await conn.write(b.subarray(off));
      }
    }
    writing = false;
  };
  return {
    write(b) {
      queue.push(b);
      if (!writing) drain().catch(() => {});
    },
    close: () => conn.close(),
  };
}

/** `node:net` (Deno's compatibility layer), TCP_NODELAY as the NATS node transport sets it. */
function nodePipe(port: number, onData: (b: Uint8Array) => void): Promise<Pipe> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: "127.0.0.1" }, () => {
      s.off("error", reject);
      resolve({ write: (b) => void s.write(b), close: () => s.destroy() });
    });
    s.setNoDelay(true);
    s.on("error", reject);
    s.on("data", (b: Uint8Array) => onData(b));
  });
}

/** Splits a stream of NATS server lines: `MSG` payloads to `onMsg`, `PING` answered, `PONG` to `onPong`. */
class LineReader {
  #buf = new Uint8Array(1 << 16);
  #len = 0;
  pipe: Pipe | undefined;
  constructor(readonly onMsg: (b: Uint8Array) => void, readonly onPong: () => void) {}

  push(chunk: Uint8Array): void {
    if (this.#len + chunk.length > this.#buf.length) {
      const nb = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + chunk.length));
      nb.set(this.#buf.subarray(0, this.#len));
      this.#buf = nb;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
    let at = 0;
    for (;;) {
      const b = this.#buf;
      let eol = -1;
      for (let i = at; i + 1 < this.#len; i++) if (b[i] === 13 && b[i + 1] === 10) (eol = i), (i = this.#len);
      if (eol < 0) break;
      const line = String.fromCharCode(...b.subarray(at, Math.min(eol, at + 200)));
      if (line.startsWith("MSG ")) {
        const size = Number(line.slice(line.lastIndexOf(" ") + 1));
        if (eol + 2 + size + 2 > this.#len) break;
        this.onMsg(b.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
        continue;
      }
      if (line === "PING") this.pipe?.write(enc.encode("PONG\r\n"));
      else if (line === "PONG") this.onPong();
      else if (line.startsWith("-ERR")) throw new Error(`nats-server: ${line}`);
      at = eol + 2;
    }
    this.#buf.copyWithin(0, at, this.#len);
    this.#len -= at;
  }
}

function stamped(): Uint8Array {
  const b = new Uint8Array(MSG_BYTES);
  new DataView(b.buffer).setFloat64(0, performance.now(), true);
  return b;
}
const ageUs = (b: Uint8Array) =>
  (performance.now() - new DataView(b.buffer, b.byteOffset).getFloat64(0, true)) * 1000;

/** The raw NATS floor at `rate`: `PUB` on one connection, `MSG` read on another. */
export async function rawNatsFloor(port: number, rate: number, api: "deno" | "node"): Promise<Lat> {
  const open = api === "deno" ? denoPipe : nodePipe;
  const count = messagesAt(rate);
  const lat: number[] = [];
  let pong: () => void = () => {};
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => finish = r);
  const rd = new LineReader((m) => {
    lat.push(ageUs(m));
    if (lat.length === count) finish();
  }, () => pong());
  const pubRd = new LineReader(() => {}, () => {});
  const sub = await open(port, (b) => rd.push(b));
  const pub = await open(port, (b) => pubRd.push(b));
  rd.pipe = sub;
  pubRd.pipe = pub;
  const hello = enc.encode(`CONNECT {"verbose":false,"pedantic":false,"lang":"floor","version":"0"}\r\n`);
  sub.write(hello);
  pub.write(hello);
  const ponged = new Promise<void>((r) => pong = r);
  sub.write(enc.encode("SUB raw.floor 1\r\nPING\r\n"));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    ponged,
    new Promise((_, j) => timer = setTimeout(() => j(new Error("no PONG in 5 s")), 5000)),
  ]);
  clearTimeout(timer);
  const head = enc.encode(`PUB raw.floor ${MSG_BYTES}\r\n`);
  const frame = new Uint8Array(head.length + MSG_BYTES + 2);
  frame.set(head);
  frame.set(CRLF, head.length + MSG_BYTES);
  const r = await measured(
    rate,
    () => {
      const f = frame.slice();
      f.set(stamped(), head.length);
      pub.write(f);
    },
    lat,
    done,
    count,
  );
  pub.close();
  sub.close();
  return r;
}

/** The echo floor at `rate`: a stamped message to the echo server and back, `Deno.connect`. */
export async function echoFloor(port: number, rate: number): Promise<Lat> {
  const count = messagesAt(rate);
  const lat: number[] = [];
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => finish = r);
  const acc = new Uint8Array(MSG_BYTES * 64);
  let len = 0;
  const pipe = await denoPipe(port, (chunk) => {
    for (let off = 0; off < chunk.length;) {
      const n = Math.min(MSG_BYTES - len, chunk.length - off);
      acc.set(chunk.subarray(off, off + n), len);
      len += n;
      off += n;
      if (len === MSG_BYTES) {
        lat.push(ageUs(acc));
        len = 0;
        if (lat.length === count) finish();
      }
    }
  });
  const r = await measured(rate, () => pipe.write(stamped()), lat, done, count);
  pipe.close();
  return r;
}

/** A TCP echo server in a child Deno process on a free loopback port. */
export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const code = `const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(l.addr.port);
for await (const c of l) {
  c.setNoDelay(true);
  (async () => { const b = new Uint8Array(65536); for (;;) { const n = await c.read(b).catch(() => null);
    if (n === null) return; let o = 0; while (o < n) o += await c.write(b.subarray(o, n)); } })();
}`;
  const child = new Deno.Command(Deno.execPath(), { args: ["eval", code], stdout: "piped", stderr: "null" })
    .spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await Promise.race([
    reader.read(),
    new Promise<never>((_, j) => setTimeout(() => j(new Error("echo server: no port in 10 s")), 10_000)),
  ]);
  const port = Number(first.value?.trim());
  if (!(port > 0)) throw new Error(`echo server: bad port line ${first.value}`);
  return {
    port,
    async close() {
      child.kill("SIGTERM");
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}
