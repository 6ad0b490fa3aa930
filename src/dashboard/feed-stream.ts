/**
 * The live feed as Server-Sent Events: a `snapshot` event with the recent entries, then
 * one `entry` event per new or updated entry (the page upserts by id), and a comment
 * every keep-alive interval so idle proxies and the server's idle timeout keep the
 * stream open. Unsubscribes when the browser goes away.
 */
import type { Context } from "hono"
import { streamSSE } from "hono/streaming"
import type { DashboardFeed, FeedEntry } from "./dashboard-deps.ts"
import { feedView } from "./json-views.ts"

/** Streams `feed` to one client until it disconnects. */
export const feedStream = (feed: DashboardFeed, keepAliveMs: number) => (c: Context) =>
  streamSSE(c, async (stream) => {
    const queue: FeedEntry[] = []
    let wake: (() => void) | undefined
    let open = true
    const stop = feed.subscribe((entry) => {
      queue.push(entry)
      wake?.()
    })
    let subscribed = true
    const unsubscribe = () => {
      if (subscribed) stop()
      subscribed = false
    }
    stream.onAbort(() => {
      open = false
      unsubscribe()
      wake?.()
    })
    try {
      await stream.writeSSE({ event: "snapshot", data: JSON.stringify(feed.recent().map(feedView)) })
      while (open) {
        for (let entry = queue.shift(); entry !== undefined && open; entry = queue.shift()) {
          await stream.writeSSE({ event: "entry", data: JSON.stringify(feedView(entry)) })
        }
        if (!open) break
        const woken = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), keepAliveMs)
          wake = () => {
            clearTimeout(timer)
            resolve(true)
          }
        })
        wake = undefined
        if (!woken && open) await stream.write(": keep-alive\n\n")
      }
    } finally {
      unsubscribe()
    }
  })
