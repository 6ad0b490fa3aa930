/**
 * Every bench `gateway bench` can run, in the order `gateway bench --help`
 * lists them. Adding a bench is one import and one line here: write it with
 * `defineBench` (see bench/node-direct/index.ts) and list it below.
 */
import type { Bench } from "./lib/bench-definition.ts"
import { drainBench } from "./drain/index.ts"
import { failoverBench } from "./failover/index.ts"
import { intakeBench } from "./intake/index.ts"
import { nodeDirectBench } from "./node-direct/index.ts"
import { paperBench } from "./paper/index.ts"
import { payoutsBench } from "./payouts/index.ts"
import { readsBench } from "./reads/index.ts"
import { scaleBench } from "./scale/index.ts"

/** The registered benches; names must be unique kebab-case (src/cli/bench-command.test.ts checks). */
export const BENCHES: ReadonlyArray<Bench> = [
  nodeDirectBench,
  intakeBench,
  drainBench,
  payoutsBench,
  scaleBench,
  paperBench,
  readsBench,
  failoverBench,
]
