import { describe, expect, test } from "bun:test"
import { checkInfoUpdate, checkLocationUpdate, checkManagerAdd, checkRegister } from "./action-input.ts"

const firstError = (r: { ok: boolean; errors?: ReadonlyArray<{ field: string; rule: string }> }) => (r.ok ? undefined : { field: r.errors?.[0]?.field, rule: r.errors?.[0]?.rule })

describe("register body", () => {
  test("a good one is taken, info defaulting to empty", () => {
    expect(checkRegister({ service_id: "svc", location: "http://10.0.0.1:8090" })).toEqual({ ok: true, value: { serviceId: "svc", location: "http://10.0.0.1:8090", info: "" } })
  })

  const bad: ReadonlyArray<readonly [string, unknown, string, string]> = [
    ["not an object", [1], "body", "a JSON object"],
    ["no service id", { location: "http://a:1" }, "service_id", "required"],
    ["an empty service id", { service_id: "", location: "http://a:1" }, "service_id", "1 to 32 UTF-8 bytes, no NUL"],
    ["a 33-byte service id", { service_id: "x".repeat(33), location: "http://a:1" }, "service_id", "1 to 32 UTF-8 bytes, no NUL"],
    ["a numeric service id", { service_id: 7, location: "http://a:1" }, "service_id", "a string"],
    ["no location", { service_id: "s" }, "location", "required"],
    ["a location without scheme", { service_id: "s", location: "10.0.0.1:8090" }, "location", "an http(s) URL"],
    ["a ftp location", { service_id: "s", location: "ftp://host/x" }, "location", "an http(s) URL"],
    ["a location with spaces around", { service_id: "s", location: " http://a:1" }, "location", "an http(s) URL"],
    ["a huge location", { service_id: "s", location: `http://a/${"x".repeat(300)}` }, "location", "at most 256 bytes"],
    ["a huge info", { service_id: "s", location: "http://a:1", info: "i".repeat(1025) }, "info", "at most 1024 bytes"],
    ["an unknown field", { service_id: "s", location: "http://a:1", owner: "me" }, "owner", "unknown field"],
  ]
  test.each(bad)("%s is refused naming the field and rule", (_, body, field, rule) => {
    expect(firstError(checkRegister(body))).toEqual({ field, rule })
  })

  test("every broken rule is listed", () => {
    const r = checkRegister({ service_id: "", location: "nope" })
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual(["service_id", "location"])
  })
})

describe("location body", () => {
  test.each([
    ["a decimal string", "12", 12n],
    ["a JSON integer", 12, 12n],
    ["the largest uint64", "18446744073709551615", 2n ** 64n - 1n],
  ] as const)("takes an epoch as %s", (_, epoch, expected) => {
    expect(checkLocationUpdate({ location: "https://svc.example:443/x", epoch })).toEqual({ ok: true, value: { location: "https://svc.example:443/x", epoch: expected } })
  })

  test.each([
    ["missing", undefined, "required"],
    ["negative", -1, "an integer from 0 to 2^64-1"],
    ["fractional", 1.5, "an integer from 0 to 2^64-1"],
    ["past uint64", "18446744073709551616", "an integer from 0 to 2^64-1"],
    ["hex", "0x10", "an integer from 0 to 2^64-1"],
    ["an unsafe JSON number", 2 ** 60, "an integer from 0 to 2^64-1"],
  ] as const)("refuses an epoch that is %s", (_, epoch, rule) => {
    expect(firstError(checkLocationUpdate({ location: "http://a:1", ...(epoch === undefined ? {} : { epoch }) }))).toEqual({ field: "epoch", rule })
  })
})

describe("info and manager bodies", () => {
  test("info may be cleared but must be sent", () => {
    expect(checkInfoUpdate({ info: "" })).toEqual({ ok: true, value: "" })
    expect(firstError(checkInfoUpdate({}))).toEqual({ field: "info", rule: "required" })
  })

  test("a manager address is lower-cased", () => {
    expect(checkManagerAdd({ account: "0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266" })).toEqual({ ok: true, value: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266" })
  })

  test.each([
    ["short", "0x1234", "a 0x address"],
    ["zero", `0x${"0".repeat(40)}`, "not the zero address"],
    ["missing", undefined, "required"],
  ] as const)("refuses a %s address", (_, account, rule) => {
    expect(firstError(checkManagerAdd(account === undefined ? {} : { account }))).toEqual({ field: "account", rule })
  })
})
