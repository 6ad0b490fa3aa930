/**
 * The version `gateway --version` prints. It is imported from package.json
 * at build time, so a compiled binary knows its version without the file.
 */
import packageJson from "../../package.json" with { type: "json" }

/** The gateway's version, as in package.json. */
export const VERSION: string = packageJson.version
