/** The error a consumer raises when `sendto` does not match the config. */
import { Data } from "effect"

/** The requests topic has another partition count than the config says. */
export class TopicMismatch extends Data.TaggedError("TopicMismatch")<{ readonly topic: string; readonly expected: number; readonly found: number }> {
  override get message() {
    return `topic ${this.topic} has ${this.found} partitions, config says ${this.expected}; fix [kafka.topics].partitions to match, or recreate the topic`
  }
}
