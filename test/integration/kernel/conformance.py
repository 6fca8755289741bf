"""Debian's jupyter_kernel_test suite against the dnaquant kernel.

Run with the kernel spec named by $DNAQUANT_TEST_KERNEL on $JUPYTER_PATH:
    /usr/bin/python3 -m unittest -v conformance
"""

import os
import unittest

import jupyter_kernel_test

WEIGHTS_MIME = "application/vnd.dnaquant.weights+json"


class DnaquantKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ["DNAQUANT_TEST_KERNEL"]

    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'

    completion_samples = [
        {"text": "const values = [1, 2];\nvalues.fil", "matches": {"fill", "filter"}},
        {"text": "Math.PI.toFix", "matches": {"toFixed"}},
    ]

    complete_code_samples = ["1 + 1", "const x = 1;", "function f() {}\n", "await Promise.resolve(1)"]
    incomplete_code_samples = ["function f() {", "const total = 1 +", "call(1,", "const s = `open"]
    invalid_code_samples = ["1 +* 2", ")", "const = 5"]

    code_generate_error = 'throw new Error("expected failure")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"dna".toUpperCase()', "result": "'DNA'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {
            "code": f'({{ [Symbol.for("dnaquant.mimeBundle")]() {{ return {{ data: {{ "{WEIGHTS_MIME}": {{ layers: [] }} }} }}; }} }})',
            "mime": WEIGHTS_MIME,
            "result": {"layers": []},
        },
    ]

    code_display_data = [
        {
            "code": 'import * as tslab from "tslab";\ntslab.display.html("<b>bold</b>")',
            "mime": "text/html",
        },
        {
            "code": f'(globalThis as any)[Symbol.for("dnaquant.display")]({{ data: {{ "{WEIGHTS_MIME}": {{ version: 1 }} }} }})',
            "mime": WEIGHTS_MIME,
        },
    ]

    code_inspect_sample = "Math.max"

    # The kernel keeps no history, so history_request returns no entries for every access type.
    supported_history_operations = ()


if __name__ == "__main__":
    unittest.main()
