/**
 * A temporary home folder for child processes, so that tests write nothing into the user's home.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";

/** HOME and the XDG base folders that programs write their settings, caches and data to. */
export interface HomeEnvironment {
  HOME: string;
  XDG_CONFIG_HOME: string;
  XDG_CACHE_HOME: string;
  XDG_DATA_HOME: string;
}

/**
 * Creates `home` with `.config`, `.cache` and `.local/share` in it.
 * @returns The variables that point a child process's home and XDG base folders there.
 */
export function createHomeEnvironment(home: string): HomeEnvironment {
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
  };
  for (const dir of [env.XDG_CONFIG_HOME, env.XDG_CACHE_HOME, env.XDG_DATA_HOME]) {
    mkdirSync(dir, { recursive: true });
  }
  return env;
}
