/**
 * Private: the Worker behind {@linkcode startPublisher}. Drains the messages available on the
 * record ring, up to 1,024 per turn of the event loop (so acks keep flowing), turns each into a
 * publish ({@linkcode RecordOut}: subject, payload and `Nats-Msg-Id` bytes from a slab, the
 * publisher's own `clear` after a loss), then gives the event loop a turn (`setImmediate`; the
 * client writes the socket in a microtask, once per drain or every 32 KiB). JetStream:
 * publishes carry a reply subject on one inbox subscription of this connection; acks come back
 * there by entry id ({@linkcode Outbox}: bounded, windowed, resent in order after a failure or a
 * reconnect) — no promise or timer per message. Core NATS (benchmarks): plain publishes, no
 * header. Idle: polls the ring on the next turns of the event loop for `idleSpinUs`, then sleeps
 * in `Atomics.waitAsync` (`_ring_wait.ts`), or with `idleWait: "block"` blocks in `Atomics.wait`
 * 1 ms at a time (a turn of the event loop after each timeout). Posts `{ready}` or `{error}` once connected and the
 * stream is checked, `{log}` lines while running, `{done}` with the counters at the end.
 * @module
 */
import {
  connect,
  createInbox,
  type Msg,
  type NatsConnection,
  type PublishOptions,
} from "npm:@nats-io/transport-node@3.4.0";
import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { RecordRingReader } from "../market/ring.ts";
import { AsyncRingWaiter, nextTurn } from "./_ring_wait.ts";
import { Outbox, type OutEntry } from "./_outbox.ts";
import { EncodedHeaders, PayloadSlab } from "./_payload_slab.ts";
import { type PublishSink, RecordOut } from "./_record_out.ts";
import { parseAck } from "./_js_ack.ts";
import { ensureStream, errText, type StreamSettings } from "./stream_setup.ts";
import type { PublishDone, PublishWorkerInit } from "./_publish_types.ts";

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<PublishWorkerInit>) => void) | null;
  postMessage(m: unknown): void;
};

const log = (level: "info" | "warning" | "error", text: string) => self.postMessage({ log: { level, text } });

self.onmessage = (e: MessageEvent<PublishWorkerInit>) => {
  run(e.data).catch((err) => self.postMessage({ error: `publisher: ${errText(err)}` }));
};

async function run(init: PublishWorkerInit): Promise<void> {
  const { servers, format, runId, instruments, jetstream: useJs } = init;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: `hft-ts publisher ${runId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: init.connectTimeoutMs,
      waitOnFirstConnect: false,
      pingInterval: 5000,
      maxPingOut: 2,
    });
  } catch (err) {
    self.postMessage({ error: `cannot connect to NATS ${servers.join(",")}: ${errText(err)}` });
    return;
  }
  const stream: StreamSettings = init.stream;
  let setup = "core NATS only";
  if (useJs) {
    try {
      const jsm = await jetstreamManager(nc, { timeout: init.connectTimeoutMs });
      setup = `stream ${stream.name} ${await ensureStream(jsm, stream)}`;
    } catch (err) {
      self.postMessage({ error: errText(err) });
      await nc.close().catch(() => {});
      return;
    }
  }

  // JetStream publishes: one reusable options object and header holder (the client reads both
  // synchronously in `publish`), the reply subject names the outbox entry.
  const inbox = createInbox();
  const hdr = new EncodedHeaders();
  const opts: PublishOptions = { headers: hdr as unknown as PublishOptions["headers"], reply: "" };
  const outbox = new Outbox(
    (m: OutEntry) => {
      hdr.bytes = m.header;
      opts.reply = `${inbox}.${m.id}`;
      try {
        nc.publish(m.subject, m.payload, opts);
      } catch (err) {
        noteError(err);
        queueMicrotask(() => outbox.ack(m.id, "retry"));
      }
    },
    init.maxPending,
    init.maxPendingBytes,
    init.window,
  );
  let lastErr = "";
  let errors = 0;
  function noteError(err: unknown): void {
    errors++;
    const t = errText(err);
    if (t !== lastErr) log("warning", `publish failed, will retry: ${t}`);
    lastErr = t;
  }
  if (useJs) {
    const tokenAt = inbox.length + 1;
    nc.subscribe(`${inbox}.*`, {
      callback: (err: Error | null, m: Msg) => {
        if (err) return noteError(err);
        const r = parseAck(m);
        if (r !== "stored" && r !== "duplicate") noteError(new Error(r));
        outbox.ack(Number(m.subject.slice(tokenAt)), r === "stored" || r === "duplicate" ? r : "retry");
      },
    });
  }
  let reconnects = 0;
  (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") {
        outbox.suspend();
        log("warning", `disconnected from NATS; holding ${outbox.size} unacknowledged messages`);
      } else if (s.type === "reconnect") {
        reconnects++;
        lastErr = "";
        log("info", `reconnected to NATS ${s.server}; resending ${outbox.size - outbox.inflight} messages`);
        outbox.open = true;
        outbox.pump();
      }
    }
  })().catch(() => {});
  const tick = setInterval(() => {
    const n = outbox.expire(init.ackTimeoutMs);
    if (n > 0) noteError(new Error(`${n} acks not received within ${init.ackTimeoutMs} ms`));
    outbox.pump();
  }, 100);

  const ctrl = new Int32Array(init.ctrl);
  let coreSent = 0;
  // Core NATS: one options object for every publish (the client allocates one per call without it).
  const coreOpts: PublishOptions = {};
  const sink: PublishSink = useJs
    ? (subject, payload, header) => outbox.push(subject, payload, header!)
    : (subject, payload) => {
      try {
        nc.publish(subject, payload, coreOpts);
      } catch (err) {
        noteError(err);
        return false;
      }
      coreSent++;
      return true;
    };
  const out = new RecordOut(
    instruments,
    runId,
    format,
    useJs,
    new PayloadSlab(),
    sink,
    (id) => Atomics.store(ctrl, id, 1), // ask the engine thread for a fresh snapshot copy
    log,
  );
  const take = out.take.bind(out);
  self.postMessage({
    ready: true,
    text: `publishing to ${servers.join(",")} (${setup}, run ${runId}, ${format})`,
  });
  if (init.paused !== undefined) await resumed(new Int32Array(init.paused));

  const reader = new RecordRingReader(init.sab);
  const waiter = new AsyncRingWaiter(init.sab);
  const spinMs = init.idleSpinUs / 1000;
  const block = init.idleWait === "block";
  let idleSince = -1;
  while (!reader.done) {
    if (reader.poll(take, 1024) > 0) {
      idleSince = -1;
      outbox.pump();
      await nextTurn(); // the client writes the socket; acks come in
      continue;
    }
    const t = performance.now();
    if (idleSince < 0) idleSince = t;
    if (t - idleSince < spinMs) await nextTurn();
    else if (block) {
      // Blocked 1 ms at a time; the event loop (acks, pings) gets a turn after each timeout.
      if (!waiter.block(1)) await nextTurn();
    } else {
      idleSince = -1;
      await waiter.wait(50);
    }
  }
  // The ring is closed: wait for the acks, within the deadline.
  if (useJs) {
    const deadline = new Promise<void>((r) => setTimeout(r, init.drainTimeoutMs));
    await Promise.race([outbox.drained(), deadline]);
  }
  clearInterval(tick);
  const s = outbox.stats;
  const o = out.stats;
  const done: PublishDone = {
    accepted: useJs ? s.accepted : coreSent, // core NATS: a publish written counts as done
    acked: useJs ? s.acked : coreSent,
    duplicates: s.duplicates,
    retries: s.retries,
    unacked: outbox.size,
    dropped: o.dropped,
    droppedBook: o.droppedBook,
    ringLost: o.ringLost,
    clears: o.clears,
    reconnects,
    errors,
  };
  try {
    if (outbox.size === 0) await nc.drain();
    else await nc.close();
  } catch { /* already closed */ }
  self.postMessage({ done });
}

// Wait until the engine thread sets the pause word to 0 (tests: a stalled Worker).
async function resumed(word: Int32Array): Promise<void> {
  while (Atomics.load(word, 0) !== 0) {
    const r = Atomics.waitAsync(word, 0, 1, 1000);
    if (r.async) await r.value;
  }
}
