/**
 * Private: the Worker behind {@linkcode startPublisher}. Reads whole messages from the record ring
 * (waiting asynchronously: the NATS client shares this event loop), turns each into a subject,
 * payload and `Nats-Msg-Id`, and publishes through an {@linkcode Outbox} (bounded, acks awaited in
 * windows, resent in order after a reconnect). Posts `{ready}` or `{error}` once connected and
 * the stream is checked, `{log}` lines while running, `{done}` with the counters at the end.
 * @module
 */
import { connect, type NatsConnection } from "npm:@nats-io/transport-node@3.4.0";
import { headers } from "npm:@nats-io/nats-core@3.4.0";
import { jetstream, jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { formatMessageJson } from "../market/json.ts";
import { Off, RECORD_BYTES, RecordKind } from "../market/record.ts";
import { RecordRingReader } from "../market/ring.ts";
import { AsyncRingWaiter } from "./_ring_wait.ts";
import { Outbox, type OutEntry } from "./_outbox.ts";
import { ensureStream, errText, type StreamSettings } from "./stream_setup.ts";
import { type InstrumentSubjects, msgIdOf, subjectsOf } from "./subjects.ts";
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
  const js = jetstream(nc, { timeout: init.ackTimeoutMs });
  const subjects: InstrumentSubjects[] = instruments.map((i) => subjectsOf(i.venue, i.market, i.symbol));
  const outbox = new Outbox(
    useJs
      ? async (m: OutEntry) => {
        const h = headers();
        h.set("Nats-Msg-Id", m.msgId);
        try {
          const ack = await js.publish(m.subject, m.payload, { headers: h, timeout: init.ackTimeoutMs });
          return ack.duplicate ? "duplicate" : "stored";
        } catch (err) {
          noteError(err);
          return "retry";
        }
      }
      : (m: OutEntry) => {
        const h = headers();
        h.set("Nats-Msg-Id", m.msgId);
        nc.publish(m.subject, m.payload, { headers: h });
        return Promise.resolve("stored" as const);
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
  self.postMessage({
    ready: true,
    text: `publishing to ${servers.join(",")} (${setup}, run ${runId}, ${format})`,
  });

  const ctrl = new Int32Array(init.ctrl);
  const reader = new RecordRingReader(init.sab);
  const waiter = new AsyncRingWaiter(init.sab);
  const lastSeen = new Float64Array(instruments.length);
  const enc = new TextEncoder();
  let ringLost = 0;
  let dropped = 0;
  let droppedBook = 0;
  const onMessage = (b: { view: DataView; count: number; bytes: Uint8Array }): void => {
    const v = b.view;
    const kind = v.getUint8(Off.kind);
    if (kind === RecordKind.Gap) {
      const n = v.getFloat64(Off.lost, true);
      ringLost += n;
      log("warning", `record ring full: ${n} messages lost before the publisher (snapshot copies follow)`);
      return;
    }
    const id = v.getUint16(Off.instrument, true);
    const subj = subjects[id];
    const inst = instruments[id];
    if (subj === undefined || inst === undefined) return;
    const seq = v.getFloat64(Off.seq, true);
    let subject: string;
    let msgId: string;
    if (kind === RecordKind.Trade) {
      subject = subj.trade;
      msgId = msgIdOf(subj.prefix, runId, "t", seq);
    } else if (kind === RecordKind.Snapshot && seq <= lastSeen[id]!) {
      // A copy of the book (periodic, or asked for after a drop): it carries the seq of the last
      // book message it includes, which was already seen.
      subject = subj.snapshot;
      msgId = msgIdOf(subj.prefix, runId, "s", seq);
    } else {
      subject = subj.book;
      msgId = msgIdOf(subj.prefix, runId, "b", seq);
      lastSeen[id] = seq;
    }
    const payload = format === "binary"
      ? b.bytes.slice(0, b.count * RECORD_BYTES)
      : enc.encode(formatMessageJson(v, b.count, inst));
    if (!outbox.push({ subject, payload, msgId, state: 0 })) {
      dropped++;
      if (kind !== RecordKind.Trade) {
        droppedBook++;
        Atomics.store(ctrl, id, 1); // ask the engine thread for a fresh snapshot copy
      }
      if ((dropped & (dropped - 1)) === 0) {
        log(
          "warning",
          `publish buffer full (${outbox.size} unacknowledged): ${dropped} messages dropped so far`,
        );
      }
    }
  };
  // Yield to the event loop (socket writes, acks) at least every few batches under load.
  let batches = 0;
  while (!reader.done) {
    if (reader.poll(onMessage, 256) === 0) {
      if (await waiter.wait(50)) batches = 0;
    } else if (++batches >= 4) {
      batches = 0;
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  // The ring is closed: wait for the acks, within the deadline.
  const deadline = new Promise<void>((r) => setTimeout(r, init.drainTimeoutMs));
  await Promise.race([outbox.drained(), deadline]);
  const s = outbox.stats;
  const done: PublishDone = {
    accepted: s.accepted,
    acked: s.acked,
    duplicates: s.duplicates,
    retries: s.retries,
    unacked: outbox.size,
    dropped,
    droppedBook,
    ringLost,
    reconnects,
    errors,
  };
  try {
    if (outbox.size === 0) await nc.drain();
    else await nc.close();
  } catch { /* already closed */ }
  self.postMessage({ done });
}
