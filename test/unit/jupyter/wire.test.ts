import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";

import type { JupyterMessage } from "../../../kernel/src/jupyter/protocol/messages";
import { createMessageSigner } from "../../../kernel/src/jupyter/protocol/signature";
import { DELIMITER, WireFormatError, decodeMessage, encodeMessage } from "../../../kernel/src/jupyter/protocol/wire";

/** Python with Debian's jupyter_client, the reference implementation of the wire protocol. */
const PYTHON = "/usr/bin/python3";

const KEY = "0f4c3a1e-test-key";

function sampleMessage(): JupyterMessage {
  return {
    identities: [Buffer.from("client-identity")],
    header: {
      msg_id: "b5a0c0b2-1",
      msg_type: "execute_request",
      session: "session-1",
      username: "tester",
      date: "2026-12-04T10:00:00.000Z",
      version: "5.3",
    },
    parent_header: {},
    metadata: {},
    content: { code: "1 + 1 // ünïcödé 🧬", silent: false },
    buffers: [Buffer.from([0, 1, 2, 255])],
  };
}

describe("protocol/signature", () => {
  describe("createMessageSigner", () => {
    it("should match RFC 4231 test case 2 across split frames", () => {
      // HMAC-SHA256 of "what do ya want for nothing?" with key "Jefe", hashed frame by frame in order.
      const signer = createMessageSigner("hmac-sha256", "Jefe");
      const signature = signer.sign([Buffer.from("what do ya want "), Buffer.from("for nothing?")]);
      assert.equal(signature, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    });

    it("should verify its own signature and reject changes", () => {
      const signer = createMessageSigner("hmac-sha256", KEY);
      const frames = [Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from('{"code":"1"}')];
      const signature = signer.sign(frames);
      assert.equal(signer.verify(signature, frames), true);

      const changed = [...frames.slice(0, 3), Buffer.from('{"code":"2"}')];
      assert.equal(signer.verify(signature, changed), false);
      assert.equal(signer.verify(signature.slice(0, -1), frames), false);
      assert.equal(signer.verify("", frames), false);
      assert.equal(createMessageSigner("hmac-sha256", "other-key").verify(signature, frames), false);
    });

    it("should turn signing off for an empty key", () => {
      const signer = createMessageSigner("hmac-sha256", "");
      assert.equal(signer.sign([Buffer.from("{}")]), "");
      assert.equal(signer.verify("anything", [Buffer.from("{}")]), true);
    });

    it("should support other hmac hashes", () => {
      const signer = createMessageSigner("hmac-sha512", KEY);
      assert.equal(signer.sign([Buffer.from("x")]).length, 128);
    });

    it("should reject an unknown scheme by name", () => {
      for (const scheme of ["sha256", "hmac-", "hmac-nosuchhash", ""]) {
        assert.throws(
          () => createMessageSigner(scheme, KEY),
          (error: unknown) =>
            error instanceof RangeError && error.message.includes(JSON.stringify(scheme)) && error.message.includes("hmac-sha256"),
          `scheme ${JSON.stringify(scheme)}`,
        );
      }
    });
  });
});

describe("protocol/wire", () => {
  const signer = createMessageSigner("hmac-sha256", KEY);

  describe("encodeMessage", () => {
    it("should lay out identities, delimiter, signature, JSON and buffers", () => {
      const frames = encodeMessage(sampleMessage(), signer);
      assert.equal(frames.length, 1 + 1 + 1 + 4 + 1);
      assert.equal(frames[0].toString(), "client-identity");
      assert.ok(frames[1].equals(DELIMITER));
      assert.equal(frames[2].toString(), signer.sign(frames.slice(3, 7)));
      assert.deepEqual(JSON.parse(frames[6].toString("utf8")), sampleMessage().content);
      assert.deepEqual([...frames[7]], [0, 1, 2, 255]);
    });
  });

  describe("decodeMessage", () => {
    it("should round-trip an encoded message", () => {
      const message = sampleMessage();
      const decoded = decodeMessage(encodeMessage(message, signer), signer);
      assert.deepEqual(decoded.identities.map(String), ["client-identity"]);
      assert.deepEqual(decoded.header, message.header);
      assert.deepEqual(decoded.parent_header, {});
      assert.deepEqual(decoded.content, message.content);
      assert.deepEqual(decoded.buffers.map((buffer) => [...buffer]), [[0, 1, 2, 255]]);
    });

    it("should accept several identities and none", () => {
      const message = sampleMessage();
      message.identities = [Buffer.from("a"), Buffer.from("b")];
      assert.deepEqual(decodeMessage(encodeMessage(message, signer), signer).identities.map(String), ["a", "b"]);
      message.identities = [];
      assert.deepEqual(decodeMessage(encodeMessage(message, signer), signer).identities, []);
    });

    it("should keep header fields it does not know", () => {
      const frames = encodeMessage(sampleMessage(), signer);
      const header = { ...JSON.parse(frames[3].toString()), subshell_id: "s1" };
      frames[3] = Buffer.from(JSON.stringify(header));
      frames[2] = Buffer.from(signer.sign(frames.slice(3, 7)));
      assert.equal((decodeMessage(frames, signer).header as unknown as Record<string, unknown>).subshell_id, "s1");
    });

    const invalidCases: Array<{ name: string; change: (frames: Buffer[]) => Buffer[]; expected: RegExp }> = [
      { name: "missing delimiter", change: (frames) => frames.filter((frame) => !frame.equals(DELIMITER)), expected: /delimiter/ },
      { name: "tampered content", change: (frames) => replaceFrame(frames, 6, '{"code":"evil"}'), expected: /signature/ },
      { name: "tampered signature", change: (frames) => replaceFrame(frames, 2, "0".repeat(64)), expected: /signature/ },
      { name: "too few frames", change: (frames) => frames.slice(0, 5), expected: /4 JSON frames/ },
      { name: "content not JSON", change: (frames) => resign(replaceFrame(frames, 6, "{oops")), expected: /content frame is not valid JSON/ },
      { name: "content an array", change: (frames) => resign(replaceFrame(frames, 6, "[]")), expected: /content frame must be a JSON object/ },
      {
        name: "header without msg_type",
        change: (frames) => resign(replaceFrame(frames, 3, '{"msg_id":"x"}')),
        expected: /header\.msg_type/,
      },
    ];
    for (const { name, change, expected } of invalidCases) {
      it(`should reject ${name}`, () => {
        const frames = change(encodeMessage(sampleMessage(), signer));
        assert.throws(() => decodeMessage(frames, signer), (error: unknown) => {
          assert.ok(error instanceof WireFormatError, `expected WireFormatError, got ${String(error)}`);
          assert.match(error.message, expected);
          return true;
        });
      });
    }

    function replaceFrame(frames: Buffer[], index: number, text: string): Buffer[] {
      const copy = [...frames];
      copy[index] = Buffer.from(text);
      return copy;
    }

    function resign(frames: Buffer[]): Buffer[] {
      const copy = [...frames];
      copy[2] = Buffer.from(signer.sign(copy.slice(3, 7)));
      return copy;
    }
  });

  describe("interoperability with jupyter_client", () => {
    const probe = spawnSync(PYTHON, ["-c", "import jupyter_client"], { encoding: "utf8" });
    const skip = probe.status === 0 ? false : `${PYTHON} cannot import jupyter_client: ${probe.stderr || probe.error}`;

    it("should decode frames that jupyter_client.Session signs", { skip }, () => {
      const script = [
        "import json, sys",
        "from jupyter_client.session import Session",
        `session = Session(key=${JSON.stringify(KEY)}.encode(), username="py")`,
        'msg = session.msg("execute_request", {"code": "x = \\"\\u00fc\\U0001F9EC\\""})',
        'frames = session.serialize(msg, ident=[b"py-ident"])',
        'print(json.dumps([f.hex() for f in frames]))',
      ].join("\n");
      const result = spawnSync(PYTHON, ["-c", script], { encoding: "utf8" });
      assert.equal(result.status, 0, result.stderr);
      const frames = (JSON.parse(result.stdout) as string[]).map((hex) => Buffer.from(hex, "hex"));

      const decoded = decodeMessage(frames, signer);
      assert.equal(decoded.header.msg_type, "execute_request");
      assert.equal(decoded.content.code, 'x = "ü🧬"');
      assert.deepEqual(decoded.identities.map(String), ["py-ident"]);
    });

    it("should produce frames that jupyter_client.Session accepts", { skip }, () => {
      const frames = encodeMessage(sampleMessage(), signer).map((frame) => frame.toString("hex"));
      const script = [
        "import json, sys",
        "from jupyter_client.session import Session",
        `session = Session(key=${JSON.stringify(KEY)}.encode())`,
        "frames = [bytes.fromhex(h) for h in json.load(sys.stdin)]",
        "idents, rest = session.feed_identities(frames, copy=True)",
        "msg = session.deserialize(rest, content=True, copy=True)",
        'print(json.dumps({"idents": [i.decode() for i in idents], "code": msg["content"]["code"], "buffers": len(msg["buffers"])}))',
      ].join("\n");
      const result = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(frames), encoding: "utf8" });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { idents: ["client-identity"], code: "1 + 1 // ünïcödé 🧬", buffers: 1 });
    });
  });
});
