/** CSS imports of the bundled extensions, written by Build.ensureAssets when the build starts. */
declare module '*/build/style.js';
