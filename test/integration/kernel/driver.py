"""Drive the dnaquant kernel through Debian's jupyter_client and print what happened as JSON.

Usage: /usr/bin/python3 driver.py SCENARIO [CWD]

The kernel spec named by $DNAQUANT_TEST_KERNEL must be on $JUPYTER_PATH. CWD, when given, is
the kernel's working directory. Each scenario prints one JSON object on stdout; the Node.js
tests make the assertions.
"""

import json
import os
import sys
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

KERNEL_NAME = os.environ["DNAQUANT_TEST_KERNEL"]
# Seconds to wait for any single reply or output message.
TIMEOUT = 30


def simplify(msg):
    return {"msg_type": msg["msg_type"], "content": msg["content"]}


def wait_for_reply(get_msg, msg_id, timeout=TIMEOUT):
    """Return the reply to msg_id from a shell or control queue, skipping other replies."""
    deadline = time.monotonic() + timeout
    while True:
        msg = get_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def outputs_until_idle(kc, msg_id, timeout=TIMEOUT):
    """Return the iopub messages caused by msg_id, without status messages, until its idle status."""
    outputs = []
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return outputs
            continue
        outputs.append(simplify(msg))


def execute(kc, code, timeout=TIMEOUT, **options):
    """Run code and return its reply content and its iopub messages."""
    msg_id = kc.execute(code, **options)
    reply = wait_for_reply(kc.get_shell_msg, msg_id, timeout)
    outputs = outputs_until_idle(kc, msg_id, timeout)
    return {"reply": reply["content"], "outputs": outputs}


def request(kc, method, *args, **kwargs):
    """Send a shell request through a KernelClient method and return the reply content."""
    msg_id = getattr(kc, method)(*args, **kwargs)
    reply = wait_for_reply(kc.get_shell_msg, msg_id)
    outputs_until_idle(kc, msg_id)
    return reply["content"]


def send_control(kc, msg_type, content):
    msg = kc.session.msg(msg_type, content)
    kc.control_channel.send(msg)
    return msg["header"]["msg_id"]


# Scenarios -------------------------------------------------------------------------------


def scenario_basics(km, kc):
    result = {"kernel_info": request(kc, "kernel_info")}
    result["sum"] = execute(kc, "1 + 1")
    result["streams"] = execute(kc, 'console.log("hello"); console.error("oops"); 40 + 2')
    result["history"] = request(kc, "history", hist_access_type="tail", n=5)
    result["comm_info"] = request(kc, "comm_info")
    result["is_complete"] = {
        code: request(kc, "is_complete", code) for code in ["1 + 1", "function f() {", "1 +* 2"]
    }
    code = "const label = '🧬';\nlabel.toUpp"
    result["complete"] = {"code_points": len(code), "reply": request(kc, "complete", code)}
    result["inspect"] = request(kc, "inspect", "Math.max", cursor_pos=6)
    result["heartbeat"] = kc.is_alive()
    return result


def scenario_errors(km, kc):
    return {
        "runtime": execute(kc, 'function explode(): never { throw new RangeError("too far"); }\nexplode()'),
        "after_runtime": execute(kc, '["still", "alive"].length'),
        "compile": execute(kc, 'const wrong: number = "text";'),
        "after_compile": execute(kc, '"recovered"'),
        "non_error": execute(kc, 'throw "plain text";'),
    }


def scenario_abort(km, kc):
    # The first cell blocks the event loop, so the next two requests wait in the kernel's
    # socket until it fails, so they must be aborted. The last one is sent after the error reply.
    blocking_failure = "const start = Date.now();\nwhile (Date.now() - start < 1500) {}\nthrow new Error(\"fail\");"
    ids = [kc.execute(blocking_failure), kc.execute("1"), kc.execute("2")]
    replies = [wait_for_reply(kc.get_shell_msg, msg_id)["content"] for msg_id in ids]
    for msg_id in ids:
        outputs_until_idle(kc, msg_id)
    after = execute(kc, '"after abort"')

    lenient = [
        kc.execute('throw new Error("tolerated");', stop_on_error=False),
        kc.execute('"runs anyway"'),
    ]
    lenient_replies = [wait_for_reply(kc.get_shell_msg, msg_id)["content"] for msg_id in lenient]
    return {"replies": replies, "after": after, "lenient": lenient_replies}


def interrupt_cell(kc, code, interrupt):
    """Start code, call interrupt() after a second, and return the reply and its timing."""
    msg_id = kc.execute(code)
    time.sleep(1.0)
    started = time.monotonic()
    interrupt()
    reply = wait_for_reply(kc.get_shell_msg, msg_id, timeout=15)
    elapsed = time.monotonic() - started
    outputs = outputs_until_idle(kc, msg_id)
    return {"reply": reply["content"], "outputs": outputs, "seconds": elapsed}


def scenario_interrupt(km, kc):
    long_await = "await new Promise((resolve) => setTimeout(resolve, 60000));"
    result = {"signal_async": interrupt_cell(kc, long_await, km.interrupt_kernel)}
    result["after_signal_async"] = execute(kc, '"alive after async interrupt"')
    result["signal_sync"] = interrupt_cell(kc, "while (true) {}", km.interrupt_kernel)
    result["after_signal_sync"] = execute(kc, '"alive after sync interrupt"')

    control_replies = []

    def interrupt_by_message():
        msg_id = send_control(kc, "interrupt_request", {})
        control_replies.append(wait_for_reply(kc.get_control_msg, msg_id)["content"])

    result["message_async"] = interrupt_cell(kc, long_await, interrupt_by_message)
    result["interrupt_reply"] = control_replies[0]
    result["after_message_async"] = execute(kc, '"alive after message interrupt"')
    return result


WEIGHTS_MIME = "application/vnd.dnaquant.weights+json"


def scenario_display(km, kc):
    code = "\n".join(
        [
            'const display = (globalThis as any)[Symbol.for("dnaquant.display")];',
            "display({",
            f'  data: {{ "{WEIGHTS_MIME}": {{ version: 1, model: "tiny", layers: [{{ name: "l0", shape: [2, 3] }}] }}, "text/plain": "weights of tiny" }},',
            '  metadata: { "' + WEIGHTS_MIME + '": { expanded: true } },',
            '  transient: { display_id: "weights-1" },',
            "});",
            'display({ data: { "text/plain": "updated" }, transient: { display_id: "weights-1" } }, true);',
            'import * as tslab from "tslab";',
            'tslab.display.html("<b>bold</b>");',
            f'({{ [Symbol.for("dnaquant.mimeBundle")]() {{ return {{ data: {{ "{WEIGHTS_MIME}": {{ version: 1, layers: [] }} }} }}; }} }})',
        ]
    )
    return {"cell": execute(kc, code), "invalid": execute(kc, '(globalThis as any)[Symbol.for("dnaquant.display")]({ data: { "' + WEIGHTS_MIME + '": "{not json" } });')}


def scenario_package_import(km, kc):
    return {
        "cwd": execute(kc, "process.cwd()"),
        "keys": execute(kc, 'import * as dq from "dnaquant";\nObject.keys(dq).sort().join(",")'),
        "resolved": execute(kc, 'require.resolve("dnaquant")'),
        "typed": execute(kc, 'const notAnExport: keyof typeof dq = "definitelyNotAnExport";'),
        "subpath": execute(kc, 'Object.keys(require("dnaquant/package.json")).includes("exports")'),
    }


def scenario_shutdown(km, kc):
    execute(kc, "setTimeout(() => {}, 600000); 1")
    started = time.monotonic()
    msg_id = kc.shutdown()
    reply = wait_for_reply(kc.get_control_msg, msg_id)
    while km.is_alive() and time.monotonic() - started < 10:
        time.sleep(0.05)
    return {"reply": reply["content"], "alive": km.is_alive(), "seconds": time.monotonic() - started}


SCENARIOS = {name[len("scenario_"):]: function for name, function in globals().items() if name.startswith("scenario_")}


def main():
    name = sys.argv[1]
    cwd = sys.argv[2] if len(sys.argv) > 2 else None
    options = {"cwd": cwd} if cwd else {}
    km, kc = start_new_kernel(startup_timeout=60, kernel_name=KERNEL_NAME, **options)
    try:
        result = SCENARIOS[name](km, kc)
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=False)
    json.dump(result, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    try:
        main()
    except Empty:
        sys.stderr.write("Timed out waiting for a message from the kernel.\n")
        raise
