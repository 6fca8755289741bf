#!/usr/bin/python3
"""Start a local JupyterLab server with the front end built into lab/build.

Run it with Debian's /usr/bin/python3, which has python3-jupyter-server and
python3-jupyterlab-server:

    /usr/bin/python3 lab/server/serve.py --notebook-dir notebooks \\
        --labextensions-path extension/labextension-parent

Once the server accepts connections, one line on standard output gives the address with its
access token:

    JupyterLab is running at http://127.0.0.1:8888/lab?token=<48 hex digits>

The server log goes to standard error. SIGTERM or SIGINT (Ctrl-C) shuts down the kernels and
the server, then removes the temporary folder that contains this run's user settings and
workspaces. Kernels come from the usual kernel spec folders, which JUPYTER_PATH extends.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile

# jupyter_server imports this module by name as the server extension, so its folder must be
# importable.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lab_host_app import LabHostApp, read_build_info  # noqa: E402

DEFAULT_PORT = 8888

# Ports tried after a busy one, as jupyter_server counts them (its own default is 50).
PORT_RETRIES = 50

# Prefix of the line that reports the address. Tools that start this script parse it.
URL_LINE_PREFIX = "JupyterLab is running at "


def parse_args(argv):
    """Parse and validate the command line, and exit with a usage error on invalid values."""
    parser = argparse.ArgumentParser(
        description="Start a local JupyterLab server for dnaquant notebooks.",
    )
    parser.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=(
            f"TCP port to listen on (default: {DEFAULT_PORT}). If it is busy, the next free port "
            "is used. 0 picks any free port."
        ),
    )
    parser.add_argument(
        "--notebook-dir",
        default=os.getcwd(),
        help="folder shown in the file browser, where notebooks open and save (default: current folder)",
    )
    parser.add_argument(
        "--labextensions-path",
        nargs="+",
        default=[],
        metavar="DIR",
        help=(
            "prebuilt JupyterLab extensions to load. Each DIR either contains one extension per "
            "subfolder, such as DIR/dnaquant-jupyterlab/package.json, or is an extension folder "
            "whose package.json has jupyterlab._build, as build-labextension writes it "
            "(default: none)"
        ),
    )
    parser.add_argument(
        "--open-browser",
        action="store_true",
        help="open the address in the default web browser (default: do not open)",
    )
    parser.add_argument(
        "--expose-app-in-browser",
        action="store_true",
        help="set window.jupyterapp to the JupyterLab application object, for browser tests",
    )
    args = parser.parse_args(argv)

    if not 0 <= args.port <= 65535:
        parser.error(f"invalid --port {args.port}: expected an integer from 0 to 65535")
    args.notebook_dir = os.path.abspath(args.notebook_dir)
    if not os.path.isdir(args.notebook_dir):
        parser.error(f"--notebook-dir {args.notebook_dir} is not a folder")
    args.labextensions_path = [os.path.abspath(path) for path in args.labextensions_path]
    for path in args.labextensions_path:
        if not os.path.isdir(path):
            parser.error(f"--labextensions-path {path} is not a folder")
    return args


def read_prebuilt_extension_name(path):
    """Return the package name if `path` is a prebuilt extension folder, else None.

    A prebuilt extension folder has a package.json whose `jupyterlab._build` names the
    remoteEntry script. build-labextension adds that key.
    """
    package_file = os.path.join(path, "package.json")
    if not os.path.isfile(package_file):
        return None
    with open(package_file, encoding="utf-8") as file:
        package = json.load(file)
    if "_build" not in package.get("jupyterlab", {}):
        return None
    return package["name"]


def resolve_labextensions_path(paths, run_dir):
    """Return the folders to search for prebuilt extensions, as jupyterlab_server expects them.

    jupyterlab_server looks for DIR/<name>/package.json and DIR/@scope/<name>/package.json.
    An extension folder given directly is linked as <run_dir>/labextensions/<name>, and that
    folder is searched before the others.
    """
    linked_dir = os.path.join(run_dir, "labextensions")
    resolved = []
    for path in paths:
        name = read_prebuilt_extension_name(path)
        if name is None:
            resolved.append(path)
            continue
        link = os.path.join(linked_dir, *name.split("/"))
        if os.path.lexists(link):
            # jupyterlab_server also keeps the first extension found under one name.
            print(f"warning: ignoring {path}: an earlier extension folder is also named {name}", file=sys.stderr)
            continue
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(path, link, target_is_directory=True)
        if linked_dir not in resolved:
            resolved.insert(0, linked_dir)
    return resolved


def find_free_port(ip):
    """Return a TCP port on `ip` that is free now. Another process may still take it first."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((ip, 0))
        return probe.getsockname()[1]


def browser_url(ip, port, base_url, token):
    """Return the address of the JupyterLab page, with the token as query parameter."""
    host = "127.0.0.1" if ip in ("", "0.0.0.0") else ip
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{base_url}lab?token={token}"


def server_argv(args, port, token, run_dir, labextensions_path):
    """Return the traitlets command line for jupyter_server and the extension.

    Options given on the command line take precedence over Jupyter config files, so a user's
    jupyter_server_config.py cannot move the server to another address or root folder.
    """
    argv = [
        f"--ServerApp.ip={args.ip}",
        f"--ServerApp.port={port}",
        f"--ServerApp.port_retries={PORT_RETRIES}",
        f"--ServerApp.root_dir={args.notebook_dir}",
        f"--ServerApp.token={token}",
        f"--ServerApp.open_browser={args.open_browser}",
        # The front end has no terminal extension.
        "--ServerApp.terminals_enabled=False",
        f"--LabHostApp.user_settings_dir={os.path.join(run_dir, 'user-settings')}",
        f"--LabHostApp.workspaces_dir={os.path.join(run_dir, 'workspaces')}",
        f"--LabHostApp.expose_app_in_browser={args.expose_app_in_browser}",
    ]
    # jupyter_server exits when run as root unless allow_root is set. This is a local
    # single-user server, so root is allowed.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--ServerApp.allow_root=True")
    for path in labextensions_path:
        argv.append(f"--LabHostApp.labextensions_path={path}")
    return argv


def main(argv=None):
    """Run the server until SIGTERM or SIGINT, clean up and return the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        read_build_info()
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    # Until the server can stop itself, a stop signal is only recorded, so that the temporary
    # folder is still removed and no half-started server is left behind.
    early_signals = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda received, _frame: early_signals.append(received))

    port = find_free_port(args.ip) if args.port == 0 else args.port
    token = secrets.token_hex(24)
    run_dir = tempfile.mkdtemp(prefix="dnaquant-lab-")
    try:
        labextensions_path = resolve_labextensions_path(args.labextensions_path, run_dir)
        argv = server_argv(args, port, token, run_dir, labextensions_path)
        serverapp = LabHostApp.initialize_server(argv=argv)
        log = serverapp.log

        def request_stop(signum, _frame):
            log.info("Received %s, shutting down the kernels and the server.", signal.Signals(signum).name)
            serverapp.stop(from_signal=True)

        # In a terminal, jupyter_server prompts for confirmation on SIGINT. This server stops at once.
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        if early_signals:
            log.info("Received %s during startup, not starting.", signal.Signals(early_signals[0]).name)
            return 0

        def report_url():
            url = browser_url(args.ip, serverapp.port, serverapp.base_url, token)
            print(f"{URL_LINE_PREFIX}{url}", flush=True)

        serverapp.start_app()
        serverapp.io_loop.add_callback(report_url)
        serverapp.start_ioloop()
        log.info("The server has stopped.")
        return 0
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
