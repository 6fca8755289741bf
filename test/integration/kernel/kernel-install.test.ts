/**
 * The `dnaquant-kernel` command line as a user runs it: the built dist/jupyter/main.js.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { JUPYTER, KERNEL_MAIN, SKIP_REASON, buildKernel, makeScratchFolder } from "./harness";

describe("dnaquant-kernel command line", () => {
  let scratch = "";
  /** An empty home folder, so that any write into the user's home shows up. */
  let home = "";
  before(() => {
    buildKernel();
    scratch = makeScratchFolder("dnaquant-install-");
    home = makeScratchFolder("dnaquant-home-");
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const baseEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    for (const name of ["JUPYTER_DATA_DIR", "XDG_DATA_HOME", "JUPYTER_PATH", "DNAQUANT_LOG_LEVEL"]) {
      delete baseEnv[name];
    }
    return spawnSync(process.execPath, [KERNEL_MAIN, ...args], { env: { ...baseEnv, ...env }, encoding: "utf8" });
  }

  /** Runs the command without blocking the event loop, which serves the test's own sockets. */
  function runAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = execFile(process.execPath, [KERNEL_MAIN, ...args], { env: { ...process.env, HOME: home }, timeout: 30_000 }, (error, _stdout, stderr) => {
        if (error !== null && error.killed) {
          reject(new Error(`dnaquant-kernel ${args.join(" ")} did not exit within 30 s:\n${stderr}`));
          return;
        }
        resolve({ status: child.exitCode, stderr });
      });
    });
  }

  function readSpec(folder: string): Record<string, unknown> {
    return JSON.parse(readFileSync(join(folder, "kernel.json"), "utf8")) as Record<string, unknown>;
  }

  describe("install", () => {
    it("should write the spec under --prefix only", () => {
      const prefix = join(scratch, "prefix");
      const result = run(["install", "--prefix", prefix]);
      assert.equal(result.status, 0, result.stderr);

      const folder = join(prefix, "share", "jupyter", "kernels", "dnaquant");
      assert.equal(result.stdout, `Installed kernel spec "dnaquant" in ${folder}\n`);
      assert.deepEqual(readSpec(folder), {
        argv: [process.execPath, KERNEL_MAIN, "kernel", "{connection_file}"],
        display_name: "TypeScript (dnaquant)",
        language: "typescript",
        interrupt_mode: "signal",
        metadata: { debugger: false },
      });
      assert.deepEqual(readdirSync(home), [], "install --prefix must not write into the home folder");
    });

    it("should be listed by jupyter kernelspec", { skip: SKIP_REASON }, () => {
      const prefix = join(scratch, "listed");
      assert.equal(run(["install", "--prefix", prefix, "--name", "dq-listed"]).status, 0);
      const listing = spawnSync(JUPYTER, ["kernelspec", "list", "--json"], {
        env: { ...process.env, HOME: home, JUPYTER_PATH: join(prefix, "share", "jupyter"), JUPYTER_DATA_DIR: join(scratch, "data") },
        encoding: "utf8",
      });
      assert.equal(listing.status, 0, listing.stderr);
      const spec = (JSON.parse(listing.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: Record<string, unknown> }> })
        .kernelspecs["dq-listed"];
      assert.ok(spec, listing.stdout);
      assert.equal(spec.resource_dir, join(prefix, "share", "jupyter", "kernels", "dq-listed"));
      assert.equal(spec.spec.language, "typescript");
      assert.equal(spec.spec.interrupt_mode, "signal");
    });

    it("should write into the home folder with --user", () => {
      const result = run(["install", "--user", "--name", "dq-user"]);
      assert.equal(result.status, 0, result.stderr);
      assert.ok(existsSync(join(home, ".local", "share", "jupyter", "kernels", "dq-user", "kernel.json")));
      rmSync(join(home, ".local"), { recursive: true, force: true });
    });

    it("should ask --python for sys.prefix", () => {
      // A stand-in interpreter that reports a scratch folder as its sys.prefix.
      const fakePrefix = join(scratch, "venv");
      const fakePython = join(scratch, "fake-python");
      writeFileSync(fakePython, `#!/bin/sh\necho '{"prefix": "${fakePrefix}", "jupyter_client": false}'\n`);
      chmodSync(fakePython, 0o755);

      const result = run(["install", "--sys-prefix", "--python", fakePython, "--display-name", "DQ venv"]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readSpec(join(fakePrefix, "share", "jupyter", "kernels", "dnaquant")).display_name, "DQ venv");
      assert.match(result.stderr, /^Warning: .*fake-python cannot import jupyter_client.*Pass that one with --python\./);
    });

    const usageErrors: Array<{ args: string[]; message: RegExp }> = [
      { args: ["install"], message: /Choose where to install the kernel spec/ },
      { args: ["install", "--user", "--prefix", "/x"], message: /exclude each other, but got --prefix and --user/ },
      { args: ["install", "--user", "--name", "Not Valid"], message: /Invalid kernel name "Not Valid"/ },
      { args: ["install", "--users"], message: /--users.*dnaquant-kernel install --help/ },
      { args: ["kernel"], message: /Expected exactly one argument, the connection file, but got \[\]/ },
      { args: ["frobnicate"], message: /Unknown command "frobnicate"\. Run "dnaquant-kernel help"/ },
    ];
    for (const { args, message } of usageErrors) {
      it(`should reject ${JSON.stringify(args)} with exit code 2`, () => {
        const result = run(args);
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, message);
      });
    }

    it("should fail for a missing --python", () => {
      const result = run(["install", "--sys-prefix", "--python", "/nonexistent/python"]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /Cannot run the Python interpreter "\/nonexistent\/python" \(not found\)/);
    });
  });

  describe("kernel", () => {
    it("should name an unreadable connection file", () => {
      const result = run(["kernel", "/nonexistent/kernel-1.json"]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /The kernel failed to start\.\nError: Cannot read the connection file \/nonexistent\/kernel-1\.json/);
    });

    it("should exit when a port is taken", async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const takenPort = (server.address() as AddressInfo).port;
        const connectionFile = join(scratch, "taken-port.json");
        const ports = { shell_port: takenPort, iopub_port: takenPort, stdin_port: takenPort, control_port: takenPort, hb_port: takenPort };
        writeFileSync(connectionFile, JSON.stringify({ ...ports, ip: "127.0.0.1", key: "k", transport: "tcp", signature_scheme: "hmac-sha256" }));

        const result = await runAsync(["kernel", connectionFile]);
        assert.equal(result.status, 1, result.stderr);
        assert.match(result.stderr, /The kernel failed to start\.\n.*(Address already in use|EADDRINUSE)/);
      } finally {
        server.close();
      }
    });

    it("should name an invalid log level", () => {
      const result = run(["kernel", "/nonexistent/kernel-1.json"], { DNAQUANT_LOG_LEVEL: "loud" });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /Invalid log level "loud" in DNAQUANT_LOG_LEVEL\. Use one of: silent, error, warn, info, debug\./);
    });
  });

  describe("help", () => {
    it("should print the commands", () => {
      const result = run(["help"]);
      assert.equal(result.status, 0);
      assert.match(result.stdout, /kernel <connection_file>/);
      assert.match(run(["install", "--help"]).stdout, /--sys-prefix/);
    });
  });
});
