// Builds dist/gateway: one self-contained executable (`bun build --compile`).
//
// etcd3 loads its gRPC service definitions at run time from
// `${__dirname}/../proto/rpc.proto`, which a compiled binary cannot see (Bun bakes the
// build machine's node_modules path into __dirname). This build parses those .proto
// files now and replaces the loadSync call with proto-loader's fromJSON on the parsed
// descriptor, so the binary carries the definitions and reads nothing from disk.
import { join } from "node:path"
import protobuf from "protobufjs"

const root = join(import.meta.dir, "..")
const outfile = process.argv[2] ?? join(root, "dist", "gateway")
const protoPath = join(root, "node_modules", "etcd3", "proto", "rpc.proto")

const parsed = new protobuf.Root()
parsed.loadSync(protoPath, { keepCase: true })
const descriptor = JSON.stringify(parsed.toJSON())
const loadCall = /\(0, proto_loader_1\.loadSync\)\(`\$\{__dirname\}\/\.\.\/proto\/rpc\.proto`,/

const embedEtcdProtos: Bun.BunPlugin = {
  name: "embed-etcd3-protos",
  setup(build) {
    build.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, async (args) => {
      const source = await Bun.file(args.path).text()
      if (!loadCall.test(source)) {
        throw new Error(`etcd3's connection-pool.js no longer loads rpc.proto the way scripts/build.ts expects (${args.path}); update the pattern`)
      }
      return { contents: source.replace(loadCall, `(0, proto_loader_1.fromJSON)(${descriptor},`), loader: "js" }
    })
  },
}

const started = performance.now()
const result = await Bun.build({
  // The status store's writer thread is a second entrypoint, found at ./status/store-writer.ts in the binary.
  entrypoints: [join(root, "src", "main.ts"), join(root, "src", "status", "store-writer.ts")],
  compile: { outfile },
  target: "bun",
  minify: true,
  // Precompiled JSC bytecode: a producer host is ready in about 295 ms instead of 400 (median of 6 starts each).
  bytecode: true,
  format: "esm",
  sourcemap: "linked",
  plugins: [embedEtcdProtos],
})
if (!result.success) {
  for (const log of result.logs) console.error(log)
  process.exit(1)
}
const size = Bun.file(outfile).size
console.error(`built ${outfile} (${(size / 1024 / 1024).toFixed(1)} MiB) in ${Math.round(performance.now() - started)} ms`)

