/**
 * Changing a topic's config on the real cluster from a test. kafkajs's `alterConfigs`
 * replaces the topic's whole set of overrides, so a caller passes every override the
 * topic must keep (e.g. `cleanup.policy` of a compacted topic).
 */
import { Kafka, logLevel } from "kafkajs"

const brokers = (process.env.GATEWAY_KAFKA_BROKERS ?? "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094").split(",")

/** Sets `entries` as `topic`'s config overrides. */
export const setTopicConfig = async (topic: string, entries: Readonly<Record<string, string>>) => {
  const admin = new Kafka({ clientId: "fault-test", brokers, logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: Object.entries(entries).map(([name, value]) => ({ name, value })) }] })
  } finally {
    await admin.disconnect()
  }
}
