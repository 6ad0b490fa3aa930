import { describe, expect, test } from "bun:test"
import type { NewLocationEvent } from "../../registry/registry-events.ts"
import { feedCapacity, feedItemOf, type FeedItem, makeRegistryFeed } from "./registry-feed.ts"

const moved = (blockNumber: number, epoch: bigint, logIndex = 0): NewLocationEvent => ({
  _tag: "NewLocation", serviceId: "svc", location: `http://127.0.0.1:${8000 + blockNumber}`, epoch,
  blockNumber, blockHash: `0xh${blockNumber}`, transactionHash: `0xt${blockNumber}`, logIndex, removed: false,
})

describe("registry feed", () => {
  test("keeps items newest first, updates one in place, and tells subscribers", () => {
    const feed = makeRegistryFeed()
    const heard: FeedItem[] = []
    const stop = feed.subscribe((i) => heard.push(i))
    feed.publish(feedItemOf(moved(3, 10n), false, false, 1))
    feed.publish(feedItemOf(moved(5, 12n), true, false, 2))
    feed.publish(feedItemOf(moved(3, 10n), true, false, 3))
    expect(feed.recent().map((i) => [i.blockNumber, i.confirmed, i.seenAt])).toEqual([[5, true, 2], [3, true, 1]])
    expect(feed.recent()[0]).toMatchObject({ kind: "location", epoch: 12, location: "http://127.0.0.1:8005", txHash: "0xt5", removed: false })
    stop()
    feed.publish(feedItemOf(moved(5, 12n), true, true, 4))
    expect(heard.length).toBe(3)
    expect(feed.recent()[0]?.removed).toBe(true)
  })

  test(`holds at most ${feedCapacity} items`, () => {
    const feed = makeRegistryFeed()
    for (let b = 1; b <= feedCapacity + 10; b++) feed.publish(feedItemOf(moved(b, BigInt(b)), true, false, b))
    expect(feed.recent().length).toBe(feedCapacity)
    expect(feed.recent()[0]?.blockNumber).toBe(feedCapacity + 10)
  })
})
