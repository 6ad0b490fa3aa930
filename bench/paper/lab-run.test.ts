import { describe, expect, test } from "bun:test"
import { join } from "node:path"
import { defaultEtcdBin } from "./lab-run.ts"

const ROOT = join(import.meta.dir, "..", "..")

describe("defaultEtcdBin", () => {
  test("where scripts/lib.sh points GATEWAY_ETCD_BIN: the cache's etcd of the pinned version", async () => {
    const version = /^ETCD_VERSION=(\S+)$/m.exec(await Bun.file(join(ROOT, "scripts", "versions.sh")).text())?.[1]
    expect(defaultEtcdBin(ROOT, { GATEWAY_CACHE_DIR: "/c" })).toBe(`/c/go-bin/etcd-${version}/etcd`)
    expect(defaultEtcdBin(ROOT, { HOME: "/home/u" })).toBe(`/home/u/.cache/gateway/go-bin/etcd-${version}/etcd`)
  })
})
