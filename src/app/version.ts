/** The gateway's version, read from package.json at build time so a compiled binary knows it. */
import pkg from "../../package.json" with { type: "json" }

/** The version string, e.g. `0.1.0`. */
export const gatewayVersion: string = pkg.version
