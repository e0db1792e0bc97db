/**
 * Benchmark-only: the floor of the many-symbol latency benchmark — a bare client in this
 * (pinned) process reading the same streams from the same simulator, doing nothing but reading
 * each frame's `E` (the simulator's send time, µs) and recording the wall clock minus it. Three
 * transports: Deno's `WebSocket` ("websocket": one event-loop task per message), Deno's
 * `WebSocketStream` ("stream": one promise per message; needs `--unstable-net`) and the
 * project's {@linkcode RawWebSocket} ("raw": every frame of one socket read at once, as bytes).
 * What it measures is the transport and this CPU's scheduling under the machine's load at the
 * time; the handler's figures above it are the handler's own.
 * @module
 */
import process from "node:process";
import { systemClock } from "../engine/clock.ts";
import { RawWebSocket } from "../venues/ws/raw_socket.ts";
import { newHistogram, summary } from "./_multi_probe.ts";

/** A floor client's transport. */
export type FloorTransport = "websocket" | "stream" | "raw";

/** What the floor client saw. */
export interface FloorResult {
  /** The transport. */
  transport: FloorTransport;
  /** Frames read. */
  frames: number;
  /** Latency, µs. */
  latencyUs: ReturnType<typeof summary>;
  /** This process's CPU per frame, µs. */
  cpuUsPerFrame: number;
}

/** `E` (µs) of the frame in `b[start..end)`: the 16 digits after `"E":`. */
function eOf(b: Uint8Array, start: number, end: number): number {
  for (let i = start; i + 20 < end; i++) {
    if (b[i] === 0x22 && b[i + 1] === 0x45 && b[i + 2] === 0x22 && b[i + 3] === 0x3a) {
      let v = 0;
      for (let j = i + 4; j < i + 20; j++) v = v * 10 + (b[j]! - 48);
      return v;
    }
  }
  return NaN;
}

interface Client {
  opened: Promise<void>;
  close(): Promise<void>;
}

/** Read every stream of `symbols` from `wsBase` for `seconds` (10 s deadline to connect). */
export async function measureFloor(
  wsBase: string,
  symbols: readonly string[],
  seconds: number,
  transport: FloorTransport = "websocket",
): Promise<FloorResult> {
  const streams = symbols.map((s) => `${s.toLowerCase()}@depth@100ms`).join("/");
  const url = `${wsBase}/stream?streams=${streams}`;
  const h = newHistogram();
  let frames = 0;
  let recording = false;
  const onText = (t: string): void => {
    if (!recording) return;
    const i = t.indexOf('"E":') + 4;
    const ns = systemClock.wallNs() - Number(t.slice(i, t.indexOf(",", i))) * 1000;
    h.recordValue(ns < 1 ? 1 : ns);
    frames++;
  };
  const client = transport === "raw"
    ? rawClient(url, (b, s, e) => {
      if (!recording) return;
      const ns = systemClock.wallNs() - eOf(b, s, e) * 1000;
      h.recordValue(ns < 1 ? 1 : ns);
      frames++;
    })
    : transport === "stream"
    ? streamClient(url, onText)
    : wsClient(url, onText);
  let guard: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.opened,
      new Promise((
        _,
        no,
      ) => (guard = setTimeout(() => no(new Error("floor client: no open in 10 s")), 10_000))),
    ]);
  } finally {
    clearTimeout(guard);
  }
  await new Promise((r) => setTimeout(r, 1000)); // a second to settle
  const cpu0 = process.cpuUsage();
  recording = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  recording = false;
  const cpu1 = process.cpuUsage();
  await client.close();
  const cpu = cpu1.user - cpu0.user + cpu1.system - cpu0.system;
  return { transport, frames, latencyUs: summary(h), cpuUsPerFrame: cpu / Math.max(1, frames) };
}

function wsClient(url: string, onText: (t: string) => void): Client {
  const ws = new WebSocket(url);
  ws.onmessage = (e: MessageEvent) => onText(e.data as string);
  const open = Promise.withResolvers<void>();
  ws.onopen = () => open.resolve();
  ws.onerror = () => open.reject(new Error("floor client: cannot connect"));
  return {
    opened: open.promise,
    close: async () => {
      const closed = new Promise((r) => (ws.onclose = r));
      ws.close();
      await closed;
    },
  };
}

function streamClient(url: string, onText: (t: string) => void): Client {
  // deno-lint-ignore no-explicit-any
  const WSS = (globalThis as any).WebSocketStream;
  if (WSS === undefined) throw new Error("WebSocketStream needs --unstable-net");
  const wss = new WSS(url);
  let stop = false;
  const reading = (async () => {
    const { readable } = await wss.opened;
    const reader = readable.getReader();
    while (!stop) {
      const r = await reader.read();
      if (r.done) break;
      onText(r.value as string);
    }
  })();
  return {
    opened: wss.opened.then(() => {}),
    close: async () => {
      stop = true;
      wss.close();
      await reading.catch(() => {});
      await wss.closed.catch(() => {});
    },
  };
}

function rawClient(url: string, onBytes: (b: Uint8Array, s: number, e: number) => void): Client {
  const opening = RawWebSocket.open(url, {
    onText: onBytes,
    onBinary: () => {},
    onBatch: () => {},
    onClose: () => {},
  });
  return {
    opened: opening.then((ws) => ws.start()),
    close: async () => {
      const ws = await opening;
      ws.close();
      await ws.closed;
    },
  };
}
