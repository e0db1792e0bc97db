/**
 * Private: one decoded message into a {@linkcode ConsumedBook} — the `seq` checks, the subscriber
 * calls, and the holding of book messages that arrive ahead of a missing `seq`.
 *
 * JetStream stores a publisher's messages in the order their publishes succeeded: a publish
 * retried (after a timeout, or across a cluster's leader election) can be stored after later
 * ones. So a book message whose `seq` is ahead of the next expected one is held (a copy, at most
 * {@linkcode HOLD_MAX}) instead of breaking the book at once; when the missing ones arrive, all
 * apply in `seq` order and nothing was lost (`reordered` counts them). The wait ends — the held
 * messages then apply in order and the gap is reported as missing, exactly as without holding —
 * when a snapshot (real or copy) past the gap arrives (it replaces what it covers), when the
 * consumer has caught up with the stream's end, or when too many are held. A consumer that
 * starts from a snapshot copy reads a little before it (`LOOK_BACK`) and holds the book
 * messages it sees before its first snapshot the same way, since a retried message may be
 * stored before the copy that follows it.
 * Allocates a copy per held message (consumer side only).
 * @module
 */
import { RESYNC_NAMES } from "../engine/events.ts";
import { RECORD_BYTES, type RecordBatch, RecordKind } from "../market/record.ts";
import type { ConsumedBook } from "./consumed_book.ts";
import { alignScale } from "./_book_scale.ts";
import { errText } from "./stream_setup.ts";

/** Book messages held at most while waiting for a missing `seq`. */
export const HOLD_MAX = 10_000;

/** What applying needs from the consumer. */
export interface ApplyHooks {
  /** A log line. */
  log(level: "info" | "warning", text: string): void;
  /** The book became invalid, with why. */
  invalid(b: ConsumedBook, reason: string): void;
}

/**
 * Take the message decoded into `b.decoder.batch`, which came on the `kindTok` subject (`book`,
 * `trade`, `snapshot`) with payload `data`.
 */
export function takeMessage(b: ConsumedBook, kindTok: string, data: Uint8Array, hooks: ApplyHooks): void {
  const batch = b.decoder.batch;
  const r = b.replica;
  const kind = batch.messageKind;
  const seq = batch.seq;
  if (kind !== RecordKind.Trade) {
    if (kindTok === "snapshot" && r.valid && seq <= r.bookSeq) {
      b.copiesSkipped++;
      return;
    }
    if (kind === RecordKind.Snapshot && b.held.size > 0 && (seq > r.bookSeq || !b.synchronized)) {
      coverGap(b, seq, hooks);
    } else if (
      kind !== RecordKind.Snapshot &&
      ((r.bookSeq > 0 && seq > r.bookSeq + 1) || (b.startSeq > 0 && !b.synchronized))
    ) {
      if (b.held.size < HOLD_MAX) {
        b.held.set(seq, batch.bytes.slice(0, batch.count * RECORD_BYTES));
        return;
      }
      releaseHeld(b, hooks); // waited long enough: the gap is a gap
      b.decoder.decode(data); // the batch was reused by the release
    }
  }
  applyNow(b, data, hooks);
  drain(b, hooks);
}

/** Stop waiting: apply every held message in `seq` order (the gap is reported as missing). */
export function releaseHeld(b: ConsumedBook, hooks: ApplyHooks): void {
  const seqs = [...b.held.keys()].sort((x, y) => x - y);
  for (const s of seqs) {
    const bytes = b.held.get(s)!;
    b.held.delete(s);
    b.decoder.decode(bytes);
    applyNow(b, bytes, hooks);
  }
}

/** A snapshot at `seq` arrived while holding: what it covers goes; the seqs never seen are missing. */
function coverGap(b: ConsumedBook, seq: number, hooks: ApplyHooks): void {
  const r = b.replica;
  let from = r.bookSeq + 1;
  const covered = [...b.held.keys()].filter((s) => s <= seq).sort((x, y) => x - y);
  if (!b.synchronized) { // before the first snapshot (looking back from a snapshot copy): no gap
    for (const s of covered) b.held.delete(s);
    return;
  }
  const ranges: [number, number][] = [];
  for (const s of [...covered, seq + 1]) {
    if (s > from) ranges.push([from, s - 1]);
    from = s + 1;
  }
  for (const s of covered) b.held.delete(s);
  if (ranges.length === 0) return;
  for (const g of ranges) if (b.missing.length < 1000) b.missing.push(g);
  const text = ranges.map(([x, y]) => `${x}..${y}`).join(", ");
  hooks.invalid(b, `book seqs ${text} not received; rebuilt from the snapshot at seq ${seq}`);
}

/** Apply held messages that are next in `seq` order. */
function drain(b: ConsumedBook, hooks: ApplyHooks): void {
  for (;;) {
    const bytes = b.held.get(b.replica.bookSeq + 1);
    if (bytes === undefined) return;
    b.held.delete(b.replica.bookSeq + 1);
    b.reordered++;
    b.decoder.decode(bytes);
    applyNow(b, bytes, hooks);
  }
}

function applyNow(b: ConsumedBook, data: Uint8Array, hooks: ApplyHooks): void {
  const batch: RecordBatch = b.decoder.batch;
  const r = b.replica;
  const kind = batch.messageKind;
  const seq = batch.seq;
  const before = r.bookSeq;
  const wasValid = r.valid;
  const missed = r.missedBook;
  const dropped = kind === RecordKind.Trade ? "" : alignScale(b, batch);
  if (dropped !== "") hooks.invalid(b, dropped);
  r.apply(batch);
  if (kind !== RecordKind.Trade && r.missedBook > missed && before > 0) {
    if (b.missing.length < 1000) b.missing.push([before + 1, seq - 1]);
    hooks.invalid(
      b,
      `seq jump ${before} -> ${seq}: book seqs ${before + 1}..${seq - 1} missing; awaiting a snapshot`,
    );
  } else if (kind === RecordKind.Clear && wasValid) {
    hooks.invalid(b, `clear (${reasonOf(data, batch.view.getUint16(6, true))})`);
  }
  if (r.valid && !b.synchronized) {
    b.synchronized = true;
    hooks.log("info", `${b.subjects.prefix}: synchronized at book seq ${r.bookSeq}`);
  }
  b.view.valid = r.valid;
  const subs = b.subs;
  for (let i = 0; i < subs.length; i++) {
    try {
      subs[i]!(batch, b.view);
    } catch (e) {
      hooks.log("warning", `subscriber threw and was removed: ${errText(e)}`);
      b.subs = b.subs.filter((s) => s !== subs[i]);
    }
  }
}

function reasonOf(data: Uint8Array, code: number): string {
  if (data[0] === 0x7b) {
    try {
      return String(JSON.parse(new TextDecoder().decode(data)).reason);
    } catch { /* fall through */ }
  }
  return RESYNC_NAMES[code] ?? `reason code ${code}`;
}
