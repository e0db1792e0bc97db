/**
 * The JetStream stream the publisher writes to: created when missing (subjects `md.>`, file
 * storage, limits by age and bytes, replicas, a duplicate window for `Nats-Msg-Id`), checked when
 * present — a stream of that name that does not take `md.>` is an error naming both, never
 * silently changed.
 * @module
 */
import type { JetStreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { SUBJECT_ROOT } from "./subjects.ts";

/** Stream settings (`--stream`, `--replicas`, limits). */
export interface StreamSettings {
  /** Stream name (default MD). */
  name: string;
  /** Replicas (1 on a single server; 3 on a 3-server cluster). */
  replicas: number;
  /** Oldest message kept, seconds. */
  maxAgeS: number;
  /** Bytes kept. */
  maxBytes: number;
  /** Window in which a repeated `Nats-Msg-Id` is a duplicate, seconds. */
  duplicateWindowS: number;
}

/** The defaults: MD, 1 replica, 24 h, 1 GiB, 2 minutes. */
export const DEFAULT_STREAM: StreamSettings = {
  name: "MD",
  replicas: 1,
  maxAgeS: 24 * 3600,
  maxBytes: 1 << 30,
  duplicateWindowS: 120,
};

/** The subjects wildcard the stream must take. */
export const STREAM_SUBJECTS = `${SUBJECT_ROOT}.>`;

/**
 * Create the stream or check the one there. Returns "created" or "exists"; throws an Error with
 * one clear line when the stream exists with other subjects or cannot be made.
 */
export async function ensureStream(jsm: JetStreamManager, s: StreamSettings): Promise<"created" | "exists"> {
  let info;
  try {
    info = await jsm.streams.info(s.name);
  } catch (e) {
    if (!/not found/i.test(String(e))) throw new Error(`JetStream stream ${s.name}: ${errText(e)}`);
  }
  if (info) {
    const subjects = info.config.subjects ?? [];
    if (!subjects.includes(STREAM_SUBJECTS)) {
      throw new Error(
        `JetStream stream ${s.name} exists with subjects [${subjects.join(", ")}], not ${STREAM_SUBJECTS}: ` +
          `give another --stream or fix that stream`,
      );
    }
    return "exists";
  }
  try {
    await jsm.streams.add({
      name: s.name,
      subjects: [STREAM_SUBJECTS],
      storage: "file" as never,
      num_replicas: s.replicas,
      max_age: s.maxAgeS * 1e9,
      max_bytes: s.maxBytes,
      duplicate_window: s.duplicateWindowS * 1e9,
    });
  } catch (e) {
    throw new Error(`cannot create JetStream stream ${s.name} (${STREAM_SUBJECTS}): ${errText(e)}`);
  }
  return "created";
}

/** An error's message (one line). */
export function errText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
