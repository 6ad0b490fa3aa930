/**
 * A manager action asked for while the gateway has no manager key: nothing can be signed,
 * so nothing is sent. Answered 503 naming the variable to set.
 */
import { Data } from "effect"

/** No manager key is configured (`[registry].manager_key_env` is empty or not a key). */
export class ManagerKeyMissing extends Data.TaggedError("ManagerKeyMissing")<{ readonly env: string }> {
  override get message() {
    return `the gateway has no manager key, so it cannot sign registry actions; set ${this.env} to a 0x private key of a funded account and restart it`
  }
}
