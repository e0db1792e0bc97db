/**
 * NATS subjects and message ids of the normalized stream:
 * `md.<venue>.<market>.<SYMBOL>.book` (snapshot, update, clear), `….trade`, `….snapshot` (the
 * periodic full-book copies for late joiners).
 *
 * Tokens are sanitized so that any venue symbol is one subject token: ASCII letters, digits,
 * `-` and `_` stay as they are (case kept: Hyperliquid's `kPEPE` is not `KPEPE`); every other byte
 * of the UTF-8 form (`.`, `*`, `>`, `/`, `:`, `@`, `~`, space, …) becomes `~` + two upper-case hex
 * digits. `PURR/USDC` → `PURR~2FUSDC`, `@107` → `~40107`, `xyz:MSTR` → `xyz~3AMSTR`. The mapping
 * is reversible ({@linkcode unsanitizeToken}). Allocates: call once per instrument.
 * @module
 */

/** The subject root of every normalized-stream subject. */
export const SUBJECT_ROOT = "md";

const PLAIN = /^[A-Za-z0-9_-]$/;

/** One subject token for `s` (see the module doc). Throws a RangeError on an empty string. */
export function sanitizeToken(s: string): string {
  if (s === "") throw new RangeError("an empty name cannot be a subject token");
  let out = "";
  for (const ch of s) {
    if (PLAIN.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of new TextEncoder().encode(ch)) out += "~" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** The name a token of {@linkcode sanitizeToken} came from. Throws a RangeError on a bad escape. */
export function unsanitizeToken(t: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== "~") {
      bytes.push(t.charCodeAt(i));
      continue;
    }
    const hex = t.slice(i + 1, i + 3);
    if (!/^[0-9A-F]{2}$/.test(hex)) throw new RangeError(`bad escape in subject token "${t}"`);
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The subjects of one instrument. */
export interface InstrumentSubjects {
  /** `md.<venue>.<market>.<SYMBOL>` (no kind). */
  prefix: string;
  /** Book messages: snapshot, update, clear. */
  book: string;
  /** Trades. */
  trade: string;
  /** Periodic full-book copies. */
  snapshot: string;
}

/** The subjects of `venue`/`market`/`symbol`. Allocates. */
export function subjectsOf(venue: string, market: string, symbol: string): InstrumentSubjects {
  const prefix = `${SUBJECT_ROOT}.${sanitizeToken(venue)}.${sanitizeToken(market)}.${sanitizeToken(symbol)}`;
  return { prefix, book: `${prefix}.book`, trade: `${prefix}.trade`, snapshot: `${prefix}.snapshot` };
}

/** Message-id kinds: a book message, a trade, a snapshot copy. */
export type MsgIdKind = "b" | "t" | "s";

/**
 * The `Nats-Msg-Id` of a message: `<venue>.<market>.<SYMBOL>.<runId>.<kind>.<seq>` (tokens
 * sanitized). The run id makes a second run's messages new; `seq` + kind make a retried publish
 * of the same message a duplicate the server stores once.
 */
export function msgIdOf(prefix: string, runId: string, kind: MsgIdKind, seq: number): string {
  return `${prefix.slice(SUBJECT_ROOT.length + 1)}.${runId}.${kind}.${seq}`;
}

/** The parts of a message id made by {@linkcode msgIdOf}, or undefined when it is not one. */
export function parseMsgId(id: string): { runId: string; kind: MsgIdKind; seq: number } | undefined {
  const p = id.split(".");
  if (p.length !== 6) return undefined;
  const kind = p[4];
  const seq = Number(p[5]);
  if ((kind !== "b" && kind !== "t" && kind !== "s") || !Number.isSafeInteger(seq)) return undefined;
  return { runId: p[3]!, kind, seq };
}

/** A fresh run id: 12 hex digits from the clock and a random part (allocates). */
export function newRunId(nowMs: number): string {
  const r = crypto.getRandomValues(new Uint32Array(1))[0]!;
  return (Math.floor(nowMs) % 0x1000000).toString(16).padStart(6, "0") +
    (r & 0xffffff).toString(16).padStart(6, "0");
}
