#!/usr/bin/env bun
/** The `gateway` entry point: hands argv to the CLI and exits with its code. */
import { main } from "./cli/index.ts"

// `gateway --help | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error
  })
}

const code = await main(process.argv.slice(2))
// Exit explicitly: a drained gateway may still hold client timers or sockets (an abandoned
// Kafka consumer, say), and those must not keep a stopped process alive.
process.stdout.write("", () => process.exit(code))
