#!/usr/bin/env bun
/** The `gateway` entry point: hands argv to the CLI and exits with its code. */
import { main } from "./cli/index.ts"

process.exitCode = await main(process.argv.slice(2))
