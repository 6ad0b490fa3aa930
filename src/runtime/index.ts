/**
 * The supervised actor runtime: OTP-style supervision trees on Effect 4.
 *
 * Describe children as data (`ChildSpec`), group them under supervisors
 * (`SupervisorSpec`, nested with `supervisorChild`), write actors with
 * `makeActor`, and run the tree with `startRoot` (tests, embedding) or
 * `runMain`/`drainMain` (the process, with graceful drain on SIGTERM/SIGINT).
 * Lifecycle events are published on the `LifecycleEvents` bus. See README.md.
 */
export {
  type Actor,
  type ActorOptions,
  type ActorRef,
  defaultActorShutdownMs,
  makeActor,
  makeScopedActor,
  type ScopedActor,
  type ScopedActorOptions
} from "./actor.ts"
export { capDelay, type RestartBackoff } from "./backoff.ts"
export { immediateRestart, restartBackoff, restartBackoffBase, restartBackoffCap, restartBackoffFactor } from "./schedules.ts"
export { describeCause } from "./cause-reason.ts"
export type { ChildInfo, ChildStatus } from "./child-cell.ts"
export { type ChildSpec, type RestartPolicy, shouldRestart } from "./child-spec.ts"
export {
  drainExitCodes,
  drainMain,
  type DrainOptions,
  processSignals,
  type RootSource,
  runMain,
  type SignalSource,
  type StopSignal,
  stopSignals
} from "./drain.ts"
export { EscalationError } from "./escalation-error.ts"
export {
  type ChildFailed,
  type ChildRestarted,
  type ChildStarted,
  type ChildStopped,
  emit,
  type LifecycleBus,
  lifecycleBusLayer,
  type LifecycleEvent,
  lifecycleEventNames,
  LifecycleEvents,
  makeLifecycleBus,
  type SupervisorEscalated,
  toLogRecord,
  type TreeDraining
} from "./events.ts"
export { type Mailbox, MailboxClosedError, makeMailbox } from "./mailbox.ts"
export { CurrentPath, currentPath, joinPath } from "./path.ts"
export { defaultIntensity, type Intensity } from "./restart-intensity.ts"
export { startRoot, type SupervisorHandle } from "./root.ts"
export { type RunningSupervisor, startSupervisor, supervisorChild } from "./supervisor.ts"
export { restartGroup, type Strategy, type SupervisorSpec } from "./supervisor-spec.ts"
