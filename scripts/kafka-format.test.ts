import { afterAll, describe, expect, test } from "bun:test"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * scripts/kafka-format is the one way a KRaft log dir gets formatted (scripts/stack and
 * the tests' private broker both call it). A cluster id may begin with '-': base64url
 * allows it, and the stack's ids were made that way until issue 12, so such an id must
 * still format instead of being read as a flag.
 */
const script = join(import.meta.dir, "kafka-format")
const scratch = mkdtempSync(join(tmpdir(), "kafka-format-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const quietLog4j = join(scratch, "log4j.properties")
writeFileSync(quietLog4j, "log4j.rootLogger=ERROR, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n")

/** A one-node combined broker+controller config whose log dir is under `dir`. */
const brokerProps = (dir: string): string => {
  const props = join(dir, "server.properties")
  writeFileSync(props, [
    `log.dirs=${join(dir, "data")}`,
    "process.roles=broker,controller",
    "node.id=1",
    "controller.quorum.voters=1@127.0.0.1:1",
    "listeners=PLAINTEXT://127.0.0.1:2,CONTROLLER://127.0.0.1:1",
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "",
  ].join("\n"))
  return props
}

const format = (idFile: string, props: string) => {
  const r = Bun.spawnSync(["bash", script, idFile, props, quietLog4j], { stdout: "pipe", stderr: "pipe" })
  return { code: r.exitCode, stderr: r.stderr.toString() }
}

const formattedId = (dir: string): string | undefined =>
  /^cluster\.id=(.*)$/m.exec(readFileSync(join(dir, "data", "meta.properties"), "utf8"))?.[1]

describe("scripts/kafka-format", () => {
  test.each([
    ["an id that begins with '-'", "-0J7-eM4-gRqGHJ60kv-3Q"],
    ["an id that begins with '--'", "--J7-eM4-gRqGHJ60kv-3Q"],
    ["an id that begins with '_'", "_tlMYwzGSOKv4mLN-hiMRw"],
  ])("formats a log dir with %s from an existing id file", (_, id) => {
    const dir = mkdtempSync(join(scratch, "given-"))
    const idFile = join(dir, "cluster-id")
    writeFileSync(idFile, id)
    const r = format(idFile, brokerProps(dir))
    expect(r.stderr).not.toContain("expected one argument")
    expect(r.code).toBe(0)
    expect(formattedId(dir)).toBe(id)
  }, 30_000)

  test("without an id file, writes Kafka's own random id, formats with it, and a second run changes nothing", () => {
    const dir = mkdtempSync(join(scratch, "fresh-"))
    const idFile = join(dir, "ids", "cluster-id")
    const props = brokerProps(dir)
    expect(format(idFile, props).code).toBe(0)
    const id = readFileSync(idFile, "utf8")
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    expect(formattedId(dir)).toBe(id)
    const again = format(idFile, props)
    expect(again.code).toBe(0)
    expect(readFileSync(idFile, "utf8")).toBe(id)
    expect(formattedId(dir)).toBe(id)
  }, 30_000)

  test("a missing server.properties is refused with what to do", () => {
    const r = format(join(scratch, "none-id"), join(scratch, "none.properties"))
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain("write the broker's server.properties first")
    expect(existsSync(join(scratch, "none-id"))).toBe(false)
  })
})
