import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

import {
  parseConnectionInfo,
  readConnectionFile,
  socketEndpoint,
} from "../../../kernel/src/jupyter/protocol/connection-file";

const VALID = {
  shell_port: 50001,
  iopub_port: 50002,
  stdin_port: 50003,
  control_port: 50004,
  hb_port: 50005,
  ip: "127.0.0.1",
  key: "secret",
  transport: "tcp",
  signature_scheme: "hmac-sha256",
  kernel_name: "dnaquant",
};

describe("protocol/connection-file", () => {
  describe("parseConnectionInfo", () => {
    it("should accept the file that jupyter_client writes", () => {
      const info = parseConnectionInfo(VALID, "kernel-1.json");
      assert.equal(info.shell_port, 50001);
      assert.equal(info.hb_port, 50005);
      assert.equal(info.key, "secret");
      assert.equal(info.kernel_name, "dnaquant");
    });

    it("should default transport and signature_scheme", () => {
      const { transport: _transport, signature_scheme: _scheme, ...rest } = VALID;
      const info = parseConnectionInfo(rest, "kernel-1.json");
      assert.equal(info.transport, "tcp");
      assert.equal(info.signature_scheme, "hmac-sha256");
    });

    const invalidCases: Array<{ name: string; json: unknown; error: typeof TypeError; pattern: RegExp }> = [
      { name: "an array", json: [], error: TypeError, pattern: /must contain a JSON object/ },
      { name: "a missing key", json: { ...VALID, key: undefined }, error: TypeError, pattern: /key in kernel-1\.json.*got nothing/ },
      { name: "a string port", json: { ...VALID, shell_port: "50001" }, error: TypeError, pattern: /shell_port.*"50001"/ },
      { name: "port 0", json: { ...VALID, hb_port: 0 }, error: RangeError, pattern: /hb_port 0.*\[1, 65535\]/ },
      { name: "port 70000", json: { ...VALID, iopub_port: 70000 }, error: RangeError, pattern: /iopub_port 70000/ },
      { name: "transport udp", json: { ...VALID, transport: "udp" }, error: TypeError, pattern: /"udp".*"tcp" or "ipc"/ },
    ];
    for (const { name, json, error, pattern } of invalidCases) {
      it(`should reject ${name}`, () => {
        assert.throws(() => parseConnectionInfo(json, "kernel-1.json"), (thrown: unknown) => {
          assert.ok(thrown instanceof error, `expected ${error.name}, got ${String(thrown)}`);
          assert.match((thrown as Error).message, pattern);
          return true;
        });
      });
    }
  });

  describe("readConnectionFile", () => {
    it("should name a missing file", () => {
      assert.throws(() => readConnectionFile("/nonexistent/kernel-9.json"), /Cannot read the connection file \/nonexistent\/kernel-9\.json/);
    });

    it("should name a file with invalid JSON", () => {
      const folder = mkdtempSync(join(tmpdir(), "dnaquant-connection-"));
      try {
        const path = join(folder, "kernel.json");
        writeFileSync(path, "{not json");
        assert.throws(() => readConnectionFile(path), (error: unknown) => (error as Error).message.includes(`${path} is not valid JSON`));
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });

  describe("socketEndpoint", () => {
    it("should build tcp and ipc endpoints", () => {
      const tcp = parseConnectionInfo(VALID, "kernel-1.json");
      assert.equal(socketEndpoint(tcp, tcp.shell_port), "tcp://127.0.0.1:50001");
      const ipc = parseConnectionInfo({ ...VALID, transport: "ipc", ip: "/tmp/kernel-ipc" }, "kernel-1.json");
      assert.equal(socketEndpoint(ipc, 3), "ipc:///tmp/kernel-ipc-3");
    });
  });
});
