/**
 * kafkajs's default partitioner (the Java client's murmur2 of the key, modulo the
 * partition count), remembering the partition of each key it has seen. The gateway's
 * keys repeat (`<chain>:<sender>`: a burst has few senders), and the hash, with the
 * Buffer it builds from the key, was a tenth of what the intake spent on Kafka per
 * request in a profile. Same partitions as the default, so records of one key land
 * where every other client of the topic puts them.
 */
import { type ICustomPartitioner, Partitioners } from "kafkajs"

/** Keys remembered before the memory is cleared and filled again. */
const mostKeys = 10_000

/** A `createPartitioner` for a producer: the default's choice, memoised per topic, partition count and key. */
export const memoisedKeyPartitioner: ICustomPartitioner = () => {
  const inner = Partitioners.DefaultPartitioner()
  const memo = new Map<string, number>()
  return (args) => {
    const { topic, partitionMetadata, message } = args
    const key = message.key
    if ((message.partition !== null && message.partition !== undefined) || typeof key !== "string") return inner(args)
    const k = `${topic}\u0000${partitionMetadata.length}\u0000${key}`
    const known = memo.get(k)
    if (known !== undefined) return known
    const partition = inner(args)
    if (memo.size >= mostKeys) memo.clear()
    memo.set(k, partition)
    return partition
  }
}
