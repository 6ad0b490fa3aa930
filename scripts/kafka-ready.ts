// Exits 0 once a metadata request to the Kafka cluster names the expected number of
// brokers. scripts/stack uses it as the broker health check instead of sleeping.
import { Kafka, logLevel } from "kafkajs"

const brokers = (process.argv[2] ?? "127.0.0.1:19092").split(",")
const expected = Number(process.argv[3] ?? brokers.length)
const kafka = new Kafka({ clientId: "stack-health", brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1500, retry: { retries: 0 } })
const admin = kafka.admin()
try {
  await admin.connect()
  const cluster = await admin.describeCluster()
  await admin.disconnect()
  if (cluster.brokers.length < expected) {
    console.error(`${cluster.brokers.length} of ${expected} brokers registered`)
    process.exit(1)
  }
  console.log(`${cluster.brokers.length} brokers, controller ${cluster.controller}`)
  process.exit(0)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}
