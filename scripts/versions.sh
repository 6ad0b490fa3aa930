# Pinned versions of everything the local stack fetches. One place to bump them.
KAFKA_VERSION=3.9.1
BTCD_VERSION=v0.26.0
BTCWALLET_VERSION=v0.18.0
# The etcd server, built from its published Go modules (scripts/etcd/, whose go.mod pins it).
ETCD_VERSION=v3.6.16
MAVEN_DEPENDENCY_PLUGIN=3.8.1
