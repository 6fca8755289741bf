/**
 * Debian's Chromium for browser tests, driven by playwright-core. Each launch gets a fresh profile
 * and home folder in a given temporary folder. Requests to hosts other than 127.0.0.1 are blocked
 * and recorded, and the console errors and uncaught exceptions of every page are collected.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { type BrowserContext, chromium, type Page } from "playwright-core";

import { createHomeEnvironment } from "./home";

/** Debian's chromium package. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The only host the browser may reach: the test servers listen on it. */
export const ALLOWED_HOST = "127.0.0.1";

/**
 * Chromium flags. Without the background-networking, component-update and sync flags Chromium
 * itself contacts outside hosts, which the request routes below cannot see. The host resolver
 * rule makes every host name fail to resolve, so such a request fails before it leaves the
 * machine. The server is reached by its IP address, which needs no resolving.
 */
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${ALLOWED_HOST}`,
]);

/** A browser console error or an uncaught exception, with the URL it came from. */
export interface BrowserError {
  text: string;
  url: string;
}

/** A running Chromium with its first page and what the test watches. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** URLs of blocked requests and WebSocket connections, in order. */
  blockedRequests: string[];
  /** Console errors and uncaught exceptions of all pages, in order. */
  errors: BrowserError[];
  /** Closes the browser. Safe to call more than once. */
  close(): Promise<void>;
}

/** Options of {@link launchBrowser}. */
export namespace launchBrowser {
  export interface Options {
    /** Viewport size in CSS pixels (default 1400 × 900). */
    viewport?: { width: number; height: number };
  }
}

/**
 * Launches headless Chromium with its profile in `<folder>/profile` and HOME, XDG_CONFIG_HOME,
 * XDG_CACHE_HOME and XDG_DATA_HOME in `<folder>/home`, so that it writes nothing into the user's
 * home. The caller removes `folder` after {@link TestBrowser.close}.
 * @throws AssertionError naming the package to install when Chromium is missing.
 */
export async function launchBrowser(folder: string, options: launchBrowser.Options = {}): Promise<TestBrowser> {
  const { viewport = { width: 1400, height: 900 } } = options;
  assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: install Debian's chromium package.`);

  // Chromium writes crash report settings to XDG_CONFIG_HOME/chromium and dconf state to
  // XDG_CACHE_HOME/dconf even with its own profile folder, so its home moves into `folder` too.
  const env = { ...process.env, ...createHomeEnvironment(join(folder, "home")) };

  const context = await chromium.launchPersistentContext(join(folder, "profile"), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    args: [...CHROMIUM_ARGS],
    env,
  });
  const blockedRequests: string[] = [];
  const errors: BrowserError[] = [];

  // Requests and WebSocket connections to any host but ALLOWED_HOST fail and are recorded.
  await context.route(
    (url) => url.hostname !== ALLOWED_HOST,
    (route) => {
      blockedRequests.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  await context.routeWebSocket(
    (url) => url.hostname !== ALLOWED_HOST,
    (webSocket) => {
      blockedRequests.push(webSocket.url());
      return webSocket.close({ code: 1008, reason: "blocked by the test" });
    },
  );

  // Console errors and uncaught exceptions of every page, including pages opened later.
  context.on("console", (message) => {
    if (message.type() === "error") {
      errors.push({ text: message.text(), url: message.location().url });
    }
  });
  context.on("weberror", (webError) => {
    const error = webError.error();
    errors.push({ text: String(error.stack ?? error), url: webError.location().url });
  });

  const page = context.pages()[0] ?? (await context.newPage());
  let closed: Promise<void> | undefined;
  return { context, page, blockedRequests, errors, close: () => (closed ??= context.close()) };
}
