/**
 * Turns config sections into adapter options, in one place, so every actor reaches
 * Kafka and etcd with the same client settings.
 */
import type { EtcdOptions } from "../adapters/etcd.ts"
import type { KafkaOptions } from "../adapters/kafka.ts"
import type { GatewayConfig } from "../config/gateway-config.ts"

/** kafkajs settings from `[kafka]`; `clientId` names the host so broker logs say who connected. */
export const kafkaOptionsFrom = (config: GatewayConfig, hostName: string): KafkaOptions => ({
  brokers: config.kafka.brokers,
  clientId: `${config.kafka.client_id}-${hostName}`,
  connectionTimeoutMs: config.kafka.connection_timeout_ms,
  requestTimeoutMs: config.kafka.request_timeout_ms,
})

/** etcd3 settings from `[etcd]`. */
export const etcdOptionsFrom = (config: GatewayConfig): EtcdOptions => ({
  endpoints: config.etcd.endpoints,
  dialTimeoutMs: config.etcd.dial_timeout_ms,
})
