/**
 * etcd3 (gRPC, protobufjs) is loaded with the first etcd client, not when its adapter is
 * imported: every command and every host imports the adapter, and loading the library
 * took about 120 ms of the compiled binary's start. Checked in a fresh process, by the
 * library's files in the module cache.
 */
import { expect, test } from "bun:test"
import { join } from "node:path"

const root = join(import.meta.dir, "..", "..")

test("importing the etcd adapter loads no etcd3 file; importing etcd3 itself does (so the check can see it)", () => {
  const script = [
    `await import(${JSON.stringify(join(root, "src", "adapters", "etcd.ts"))})`,
    `const loaded = () => Object.keys(require.cache).filter((k) => k.includes("/node_modules/etcd3/")).length`,
    `const before = loaded()`,
    `await import("etcd3")`,
    `console.log(JSON.stringify({ before, after: loaded() }))`,
  ].join("\n")
  const run = Bun.spawnSync([process.execPath, "-e", script], { cwd: root, stderr: "pipe" })
  expect(run.stderr.toString()).toBe("")
  const counts = JSON.parse(run.stdout.toString()) as { before: number; after: number }
  expect(counts.before).toBe(0)
  expect(counts.after).toBeGreaterThan(0)
})
