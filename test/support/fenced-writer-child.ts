/**
 * A partition writer in a process of its own, so a test can freeze it with SIGSTOP.
 * Usage: bun fenced-writer-child.ts <json options>; then one command per stdin line:
 *   open                 → {"cmd":"open","ok":true}
 *   commit <value>       → {"cmd":"commit","ownedBefore":<owns(last proof)>,"ok":…,"tag":…}
 *   exit
 * `ownedBefore` is read first thing when the command arrives, before any Kafka call: a
 * command written while the process is stopped is the first thing it does on waking.
 */
import { makeFencedWriter, type CommitProof } from "../../src/kafka/fenced-writer.ts"
import { testCluster } from "./kafka-fixtures.ts"

interface ChildOptions {
  readonly partition: number
  readonly groupId: string
  readonly requestsTopic: string
  readonly resultsTopic: string
  readonly graceMs: number
}

const options = JSON.parse(process.argv[2] ?? "{}") as ChildOptions
const writer = makeFencedWriter(await testCluster(`${options.groupId}-child`), options)
let last: CommitProof | undefined
let nextOffset = 0n

const say = (fields: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(fields)}\n`)
const tagOf = (error: unknown) => (typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : String(error))

const handle = async (line: string) => {
  const [cmd, arg] = line.trim().split(" ")
  if (cmd === "open") {
    await writer.open()
    say({ cmd, ok: true })
  } else if (cmd === "commit") {
    const ownedBefore = last === undefined ? null : writer.owns(last)
    try {
      nextOffset += 1n
      last = await writer.commit([{ topic: options.resultsTopic, key: arg ?? null, value: arg ?? "" }], nextOffset)
      say({ cmd, ownedBefore, ok: true })
    } catch (error) {
      say({ cmd, ownedBefore, ok: false, tag: tagOf(error) })
    }
  } else if (cmd === "exit") {
    await writer.close()
    process.exit(0)
  }
}

let pending = ""
let chain = Promise.resolve()
for await (const chunk of Bun.stdin.stream()) {
  pending += new TextDecoder().decode(chunk)
  const lines = pending.split("\n")
  pending = lines.pop() ?? ""
  for (const line of lines) chain = chain.then(() => handle(line))
}
await chain
