/** An error in how a compiled function is written, found while tracing it (a host read, a random draw a replay cannot repeat …). */
export class TraceError extends Error {}
