/**
 * The publishing flags of the live tasks (`--publish`, `--publish-format`, `--snapshot-every`,
 * `--stream`, `--replicas`) and `--shard`: option table, help and validation. A bad value throws
 * a RangeError naming the flag (the tasks exit 2 with it).
 * @module
 */
import type { ParseArgsOptionsConfig } from "node:util";
import type { PublishOptions } from "./publisher.ts";
import { parseShard, type Shard } from "./shard.ts";

/** The `parseArgs` options. */
export const PUBLISH_OPTIONS: ParseArgsOptionsConfig = {
  publish: { type: "string" },
  "publish-format": { type: "string" },
  "snapshot-every": { type: "string" },
  stream: { type: "string" },
  replicas: { type: "string" },
  shard: { type: "string" },
};

/** Help lines. */
export const PUBLISH_HELP =
  `  --publish <urls>        publish the normalized stream to NATS JetStream (nats://host:port[,…])
  --publish-format json|binary  payload form (default json; binary: docs/nats_payload.md)
  --snapshot-every <s>    full-book copy on md.….snapshot every s seconds (default 10; 0 = none)
  --stream <name>         JetStream stream (default MD, subjects md.>; created when missing)
  --replicas <n>          stream replicas when it is created (default 1)
  --shard <i/n>           run only the symbols of shard i of n (stable hash); none: exit 0`;

/** Parse comma-separated `nats://host:port` URLs (the port defaults to 4222). */
export function parseServers(s: string): string[] {
  const out: string[] = [];
  for (const part of s.split(",")) {
    let u: URL;
    try {
      u = new URL(part.trim());
    } catch {
      throw new RangeError(`--publish: not a URL: "${part}" (want nats://host:port)`);
    }
    if (u.protocol !== "nats:" || u.hostname === "" || u.pathname.replace(/^\/+/, "") !== "") {
      throw new RangeError(`--publish: want nats://host:port, got "${part}"`);
    }
    out.push(`nats://${u.host}${u.port === "" ? ":4222" : ""}`);
  }
  return out;
}

/** Parsed publishing flags. */
export interface PublishFlags {
  /** `startPublisher` options (undefined without `--publish`). */
  publish?: PublishOptions;
  /** `--shard`. */
  shard?: Shard;
}

/** Validate the flags in `v` (a `parseArgs` result). */
export function parsePublishFlags(v: Record<string, unknown>): PublishFlags {
  const out: PublishFlags = {};
  if (typeof v.shard === "string") out.shard = parseShard(v.shard);
  const needs = ["publish-format", "snapshot-every", "stream", "replicas"].filter((k) => v[k] !== undefined);
  if (v.publish === undefined) {
    if (needs.length > 0) throw new RangeError(`--${needs[0]} needs --publish`);
    return out;
  }
  const format = v["publish-format"] ?? "json";
  if (format !== "json" && format !== "binary") {
    throw new RangeError(`--publish-format must be json or binary, got "${format}"`);
  }
  const every = v["snapshot-every"] === undefined ? 10 : Number(v["snapshot-every"]);
  if (!Number.isFinite(every) || every < 0) throw new RangeError(`--snapshot-every must be seconds >= 0`);
  const replicas = v.replicas === undefined ? 1 : Number(v.replicas);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new RangeError(`--replicas must be 1..5`);
  }
  const stream = typeof v.stream === "string" ? v.stream : "MD";
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream)) {
    throw new RangeError(`--stream must be a plain name, got "${stream}"`);
  }
  out.publish = {
    servers: parseServers(String(v.publish)),
    format,
    snapshotEverySec: every,
    stream: { name: stream, replicas },
  };
  return out;
}
