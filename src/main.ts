#!/usr/bin/env bun
/** The `gateway` entry point: hands argv to the CLI and exits with its code. */
import { main } from "./cli/index.ts"

// `gateway --help | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error
  })
}

process.exitCode = await main(process.argv.slice(2))
