#!/usr/bin/env node
// Exit 0 when a Kafka broker answers kafkajs admin requests, 1 otherwise.
//   node deploy/local/kafka-ready.js [host:port[,host:port...]]
// Brokers: first argument, else KAFKA_BROKERS, else 127.0.0.1:9092. It signs in with SASL/SCRAM-SHA-512
// as the admin of KAFKA_CREDENTIALS_FILE (the broker's credentials.json), when given.
// Used by deploy/local/kafka.sh to wait for readiness; keeps each attempt short.
'use strict';

const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.argv[2] || process.env.KAFKA_BROKERS || '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

function adminSasl() {
  const file = process.env.KAFKA_CREDENTIALS_FILE;
  if (!file) return undefined;
  const credentials = JSON.parse(require('fs').readFileSync(file, 'utf8'));
  return { mechanism: 'scram-sha-512', username: 'admin', password: credentials.admin };
}

async function main() {
  const kafka = new Kafka({
    clientId: 'kafka-ready',
    brokers,
    sasl: adminSasl(),
    connectionTimeout: 1000,
    requestTimeout: 3000,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (!cluster.brokers.length || cluster.controller == null) {
      throw new Error('cluster has no brokers or no active controller yet');
    }
    console.log(`kafka ready: cluster ${cluster.clusterId}, controller ${cluster.controller}, brokers ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')}`);
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const watchdog = setTimeout(() => {
  console.error(`kafka not ready: no answer from ${brokers.join(',')} within 10 s`);
  process.exit(1);
}, 10_000);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`kafka not ready (${brokers.join(',')}): ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
