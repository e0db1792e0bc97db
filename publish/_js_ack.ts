/**
 * Private: what a JetStream publish ack says, read from its bytes without parsing JSON in the
 * common case. An ack is `{"stream":"MD","seq":N}` (plus `"duplicate":true` for a `Nats-Msg-Id`
 * already stored); a failure is `{"error":{…}}` or a status message with no payload (503: no
 * stream takes the subject).
 * @module
 */
import type { Msg } from "npm:@nats-io/transport-node@3.4.0";

const DUP = new TextEncoder().encode(`"duplicate":true`);
const STREAM = new TextEncoder().encode(`{"stream":`);

function startsWith(d: Uint8Array, p: Uint8Array, at = 0): boolean {
  if (d.length < at + p.length) return false;
  for (let i = 0; i < p.length; i++) if (d[at + i] !== p[i]) return false;
  return true;
}

function includes(d: Uint8Array, p: Uint8Array): boolean {
  for (let at = d.length - p.length; at >= 0; at--) if (startsWith(d, p, at)) return true;
  return false;
}

/** "stored", "duplicate", or why the publish failed (one line). */
export function parseAck(m: Msg): string {
  const d = m.data;
  if (d.length === 0) {
    const h = m.headers;
    return `JetStream refused the publish: ${h ? `${h.code} ${h.description}` : "empty reply"}`;
  }
  if (startsWith(d, STREAM)) return includes(d, DUP) ? "duplicate" : "stored";
  try {
    const e = JSON.parse(new TextDecoder().decode(d))?.error;
    return `JetStream refused the publish: ${e?.description ?? "unknown reply"} (${e?.err_code ?? "?"})`;
  } catch {
    return "JetStream ack is not JSON";
  }
}
