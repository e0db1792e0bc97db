/**
 * Test support: a real `nats-server` with JetStream (file storage in a temp dir) on a free
 * loopback port, that can be killed and restarted on the same port and store; a cluster of three
 * such servers (`startNatsCluster`, routes between them, one JetStream domain); and a reader of a
 * stream's messages. `startNatsServer` resolves undefined when `nats-server` is not installed
 * (tests then skip with a message; `.ci/run` installs Debian's package).
 * @module
 */
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { DeliverPolicy, jetstream, jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";

/** A running server. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`. */
  url: string;
  /** Its port. */
  port: number;
  /** Kill it (SIGKILL: nothing is flushed beyond what the store already wrote). */
  kill(): Promise<void>;
  /** Start it again on the same port and store. */
  restart(): Promise<void>;
  /** Stop it and remove its store. */
  close(): Promise<void>;
}

/** True when `nats-server` can be run. */
export function natsServerInstalled(): boolean {
  try {
    return new Deno.Command("nats-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync()
      .success;
  } catch {
    return false;
  }
}

/** A free loopback port (closed again before use). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

async function launch(args: string[]): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("nats-server", {
    args,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Ready when it says so (deadline 10 s); keep draining stderr afterwards.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 10_000);
  while (!seen.includes("Server is ready")) {
    const r = await reader.read();
    if (r.done) {
      clearTimeout(deadline);
      throw new Error(`nats-server did not start: ${seen.slice(-500)}`);
    }
    seen += r.value;
  }
  clearTimeout(deadline);
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return child;
}

/** Start a server; undefined when nats-server is not installed. */
export async function startNatsServer(): Promise<NatsServer | undefined> {
  if (!natsServerInstalled()) return undefined;
  const dir = await Deno.makeTempDir({ prefix: "hft-nats-" });
  const port = freePort();
  const args = ["-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(port)];
  let child: Deno.ChildProcess | undefined = await launch(args);
  const kill = async (): Promise<void> => {
    if (!child) return;
    child.kill("SIGKILL");
    await child.status;
    child = undefined;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill,
    async restart() {
      await kill();
      child = await launch(args);
    },
    async close() {
      await kill();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** One server of a cluster. */
export interface ClusterMember extends NatsServer {
  /** Its `server_name` (what JetStream names as a stream's leader or replica). */
  name: string;
}

/** A JetStream cluster on 127.0.0.1. */
export interface NatsCluster {
  /** The members, n1, n2, n3. */
  members: ClusterMember[];
  /** Every member's URL, comma separated (the form `--publish` and `--nats` take). */
  urls: string;
  /** Stop every member and remove the stores. */
  close(): Promise<void>;
}

/**
 * Start `n` (default 3) servers routed to each other (`cluster { name, listen, routes }`), each
 * with its own JetStream store; resolves once JetStream answers on every member (its meta leader
 * is elected: deadline 30 s). Undefined when nats-server is not installed.
 */
export async function startNatsCluster(n = 3): Promise<NatsCluster | undefined> {
  if (!natsServerInstalled()) return undefined;
  const dir = await Deno.makeTempDir({ prefix: "hft-nats-cluster-" });
  const ports = Array.from({ length: n }, () => ({ client: freePort(), route: freePort() }));
  const members: ClusterMember[] = [];
  try {
    await Promise.all(ports.map(async (p, i) => {
      const name = `n${i + 1}`;
      const conf = `${dir}/${name}.conf`;
      const routes = ports.filter((_, k) => k !== i).map((q) => `"nats-route://127.0.0.1:${q.route}"`);
      Deno.writeTextFileSync(
        conf,
        `server_name: "${name}"\nlisten: "127.0.0.1:${p.client}"\n` +
          `jetstream { store_dir: "${dir}/${name}" }\n` +
          `cluster { name: "hft", listen: "127.0.0.1:${p.route}", routes: [${routes.join(", ")}] }\n`,
      );
      let child: Deno.ChildProcess | undefined = await launch(["-c", conf]);
      const kill = async (): Promise<void> => {
        if (!child) return;
        child.kill("SIGKILL");
        await child.status;
        child = undefined;
      };
      members[i] = {
        name,
        url: `nats://127.0.0.1:${p.client}`,
        port: p.client,
        kill,
        async restart() {
          await kill();
          child = await launch(["-c", conf]);
        },
        close: kill,
      };
    }));
    await Promise.all(members.map((m) => jetStreamReady(m.url, 30_000)));
  } catch (e) {
    await Promise.all(members.filter((m) => m).map((m) => m.kill()));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw e;
  }
  return {
    members,
    urls: members.map((m) => m.url).join(","),
    async close() {
      await Promise.all(members.map((m) => m.kill()));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Poll `url` until JetStream answers an account-info request, or throw after `timeoutMs`. */
async function jetStreamReady(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < end) {
    try {
      const nc = await connect({ servers: url, timeout: 2000 });
      try {
        await (await jetstreamManager(nc, { timeout: 2000 })).getAccountInfo();
        return;
      } finally {
        await nc.close();
      }
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`JetStream not ready on ${url} within ${timeoutMs} ms: ${last}`);
}

/** One stored message. */
export interface StoredMsg {
  /** Subject. */
  subject: string;
  /** `Nats-Msg-Id`. */
  msgId: string;
  /** Payload. */
  data: Uint8Array;
}

/**
 * Every message of `stream` under `filter`, in stream order (deadline 20 s). Creating the reading
 * consumer is retried until the deadline: right after a cluster member died, JetStream may be
 * electing leaders and time out.
 */
export async function readStream(url: string, stream: string, filter: string): Promise<StoredMsg[]> {
  const nc = await connect({ servers: url });
  try {
    const deadline = Date.now() + 20_000;
    let c;
    while (c === undefined) {
      try {
        c = await jetstream(nc).consumers.get(stream, {
          filter_subjects: filter,
          deliver_policy: DeliverPolicy.All,
        });
      } catch (e) {
        if (Date.now() >= deadline) throw e;
        await new Promise((r) => setTimeout(r, 100)); // poll interval
      }
    }
    // Up to the stream's last sequence under `filter` (the server's pending count can be off).
    const end =
      (await (await jetstreamManager(nc)).streams.getMessage(stream, { last_by_subj: filter }))?.seq ?? 0;
    const out: StoredMsg[] = [];
    let last = 0;
    while (last < end) {
      if (Date.now() >= deadline) {
        throw new Error(`readStream ${stream} ${filter}: stream seq ${last} of ${end} after 20 s`);
      }
      const it = await c.fetch({ max_messages: 1000, expires: 2000 });
      for await (const m of it) {
        out.push({ subject: m.subject, msgId: m.headers?.get("Nats-Msg-Id") ?? "", data: m.data });
        last = m.info.streamSequence;
        if (last >= end) break;
      }
    }
    return out;
  } finally {
    await nc.close();
  }
}
