/**
 * `RawWebSocket` over TLS (`wss:`) against a scripted TLS peer whose certificate a test CA signed
 * (made by openssl at test time, removed after; skipped with a message without openssl): a trusted
 * peer carries messages and pings, an untrusted one is refused.
 */
import assert from "node:assert/strict";
import { RawWebSocket } from "./raw_socket.ts";
import { Rec, ScriptServer, serverFrame } from "./_script_server.ts";

const dec = new TextDecoder();

/**
 * A test CA and a certificate for 127.0.0.1 it signed, made by openssl in a temporary directory
 * (removed), or null without openssl.
 */
async function testCerts(): Promise<{ ca: string; cert: string; key: string } | null> {
  const dir = await Deno.makeTempDir({ prefix: "raw_ws_tls_" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const steps = [
    [
      "req",
      "-x509",
      ...ec,
      "-days",
      "1",
      "-subj",
      "/CN=hft-ts test CA",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    ],
    ["req", ...ec, "-subj", "/CN=127.0.0.1", "-keyout", "leaf.key", "-out", "leaf.csr"],
    ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1"]
      .concat(["-extfile", "ext.cnf", "-out", "leaf.pem"]),
  ];
  try {
    await Deno.writeTextFile(`${dir}/ext.cnf`, "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
    for (const args of steps) {
      const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "null" })
        .output();
      if (!out.success) throw new Error(`openssl ${args[0]} failed`);
    }
    const read = (f: string): Promise<string> => Deno.readTextFile(`${dir}/${f}`);
    return { ca: await read("ca.pem"), cert: await read("leaf.pem"), key: await read("leaf.key") };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("RawWebSocket speaks wss: over TLS, and refuses a certificate it does not trust", async (t) => {
  const pem = await testCerts();
  if (pem === null) {
    console.warn("skipped: openssl is not installed, no certificate for the TLS test");
    return;
  }
  await t.step("trusted", async () => {
    const srv = ScriptServer.listenTls(pem.cert, pem.key);
    const rec = new Rec();
    try {
      const [ws] = await Promise.all([
        RawWebSocket.open(srv.url("/ws/btcusdt@depth"), rec, { caCerts: [pem.ca] }),
        srv.accept(),
      ]);
      ws.start();
      assert.match(srv.request, /^GET \/ws\/btcusdt@depth HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\n/);
      await srv.write(serverFrame(1, '{"e":"depthUpdate"}'));
      await srv.write(serverFrame(9, "hb"));
      const pong = await srv.nextFrame();
      assert.deepEqual([pong?.opcode, dec.decode(pong?.payload)], [0xa, "hb"]);
      await rec.until(() => rec.texts.length === 1, "the message over TLS");
      assert.deepEqual(rec.texts, ['{"e":"depthUpdate"}']);
      ws.drop();
    } finally {
      srv.close();
    }
  });
  await t.step("untrusted", async () => {
    const srv = ScriptServer.listenTls(pem.cert, pem.key);
    try {
      const accepting = srv.accept().catch(() => {}); // the client gives up during the TLS handshake
      await assert.rejects(RawWebSocket.open(srv.url(), new Rec()));
      srv.close();
      await accepting;
    } finally {
      srv.close();
    }
  });
});
