/** Turning library results into MIME bundles and sending them to the notebook. */
export * from "./payloads";
export * from "./weights";
export * from "./show";
