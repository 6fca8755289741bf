"""Jupyter server extension that serves the JupyterLab front end built into lab/build.

It needs only Debian's python3-jupyter-server (1.23) and python3-jupyterlab-server (2.16).
jupyter_server provides the kernels, contents and sessions APIs. jupyterlab_server's
LabServerApp adds the page, settings, themes, workspaces, translations and the static files
of prebuilt extensions found on `labextensions_path`.
"""

import getpass
import json
import os

from jupyter_server import version_info as server_version_info
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.zmqhandlers import WebSocketMixin
from jupyterlab_server import LabServerApp
from tornado import web, websocket
from traitlets import Bool, default

SERVER_DIR = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.dirname(SERVER_DIR)
BUILD_DIR = os.path.join(LAB_DIR, "build")

# Written by rspack.config.js next to the bundle.
BUILD_INFO_FILE = os.path.join(BUILD_DIR, "lab-host.json")


def _jupyter_server_extension_points():
    """Name the server extension that jupyter_server loads from this module."""
    return [{"module": __name__, "app": LabHostApp}]


def read_build_info():
    """Return the versions recorded by the front end build.

    Raises FileNotFoundError naming the build command when the front end is not built.
    """
    if not os.path.isfile(os.path.join(BUILD_DIR, "main.js")) or not os.path.isfile(BUILD_INFO_FILE):
        raise FileNotFoundError(
            f"The JupyterLab front end is not built: {BUILD_DIR} has no main.js or lab-host.json. "
            "Run `npm run build -w lab` in the repository root."
        )
    with open(BUILD_INFO_FILE, encoding="utf-8") as file:
        return json.load(file)


class IdentityHandler(APIHandler):
    """`GET /api/me` for jupyter_server 1.x, which lacks it.

    JupyterLab 4 reads the user's identity here and polls again while the request fails. The
    identity is the operating system user running the server, and no permissions are granted.
    """

    @web.authenticated
    def get(self):
        username = getpass.getuser()
        identity = {
            "username": username,
            "name": username,
            "display_name": username,
            "initials": username[:1].upper(),
            "avatar_url": None,
            "color": None,
        }
        self.finish(json.dumps({"identity": identity, "permissions": {}}))


class EventsHandler(WebSocketMixin, JupyterHandler, websocket.WebSocketHandler):
    """`/api/events/subscribe` for jupyter_server 1.x, which has no event bus.

    JupyterLab 4 keeps reconnecting while this WebSocket fails. The handler accepts the
    connection and sends nothing, because jupyter_server 1.x emits no events.
    """

    def get(self, *args, **kwargs):
        if not self.current_user:
            raise web.HTTPError(403)
        return super().get(*args, **kwargs)

    def on_message(self, message):
        """Ignore messages: clients only listen on this socket."""


class LabHostApp(LabServerApp):
    """JupyterLab page and APIs for the front end in lab/build.

    User settings and workspaces have no default folder: the caller sets `user_settings_dir`
    and `workspaces_dir`, and serve.py points them to a temporary folder per start.
    Prebuilt extensions are looked up only in the folders given as `labextensions_path`.
    """

    name = __name__
    app_name = "JupyterLab"
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False

    static_dir = BUILD_DIR
    schemas_dir = os.path.join(BUILD_DIR, "schemas")
    themes_dir = os.path.join(BUILD_DIR, "themes")
    templates_dir = os.path.join(SERVER_DIR, "templates")

    expose_app_in_browser = Bool(
        False,
        help="Set window.jupyterapp to the JupyterLab application object, for browser tests.",
    ).tag(config=True)

    @default("labextensions_path")
    def _default_labextensions_path(self):
        # Extensions installed system-wide may be built for another JupyterLab version, so
        # only the folders given on the command line are searched.
        return []

    def initialize_handlers(self):
        """Add JupyterLab's handlers, and on jupyter_server 1.x the two APIs it lacks."""
        super().initialize_handlers()
        if server_version_info < (2,):
            self.handlers.append((r"/api/me", IdentityHandler))
            self.handlers.append((r"/api/events/subscribe", EventsHandler))

    def initialize_settings(self):
        """Add the application version and the page config options of this host."""
        super().initialize_settings()
        self.app_version = read_build_info()["jupyterlabVersion"]

        page_config = self.settings.setdefault("page_config_data", {})
        if self.expose_app_in_browser:
            page_config["exposeAppInBrowser"] = True
