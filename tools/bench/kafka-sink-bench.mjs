#!/usr/bin/env node
// The Kafka sink alone: encode inferencelog records with the schema lib and produce them through
// KafkaSink (acks=all) to a real broker, in the batch size the gateway's pipeline uses. Prints records/s
// by wall clock and per CPU-second of this (single-threaded) process, i.e. "on one core".
// Usage: node tools/scripts/build.mjs && node tools/bench/kafka-sink-bench.mjs [--kafka 127.0.0.1:9092]
//        [--records 200000] [--batch 500] [--body-bytes 200] [--untuned]
// --untuned loads kafkajs before the sinks lib, so its kafkajs replacements (kafkajs-tuning.ts) stay out:
// the before/after of that tuning.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { option, root, startBenchBroker } from './bench-kit.mjs';

const require = createRequire(import.meta.url);
const records = Number(option('records', '200000'));
const batchSize = Number(option('batch', '500'));
const bodyBytes = Number(option('body-bytes', '200'));
if (process.argv.includes('--untuned')) require('kafkajs');
const { KafkaSink, kafkajsTuning } = require(join(root, 'dist/libs/inference-log/sinks/src'));
const { Kafka, logLevel } = require('kafkajs');

let brokers = option('kafka', '');
let stopBroker;
if (!brokers) {
  const broker = startBenchBroker();
  stopBroker = broker.stop;
  brokers = broker.brokers;
}

const topic = `sink-bench-${Date.now()}`;
const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
await admin.connect();
await admin.createTopics({
  topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
  waitForLeaders: true,
});
await admin.disconnect();

const request = `{"instances": [[${'0.5, '.repeat(Math.max(0, Math.floor((bodyBytes - 20) / 5)))}0.5]]}`;
const destination = { servingId: 1, servingName: 'bench', topic };
const sink = new KafkaSink({ brokers: brokers.split(',') });
const makeBatch = (offset, n) =>
  Array.from({ length: n }, (_, i) => ({
    destination,
    record: {
      modelId: 1,
      modelName: 'bench',
      modelVersion: 1,
      requestTimestamp: Date.now(),
      responseHttpCode: 200,
      inferenceRequest: request,
      inferenceResponse: `{"predictions": [${offset + i}]}`,
    },
  }));

await sink.write(makeBatch(0, 10)); // connect + warm up
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let sent = 0; sent < records; sent += batchSize) {
  await sink.write(makeBatch(sent, Math.min(batchSize, records - sent)));
}
const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
await sink.close();
stopBroker?.();
console.log(
  `kafka sink: ${records} records of ~${request.length + 30} B in batches of ${batchSize}, acks=all: ` +
    `${Math.round(records / wallS)} records/s wall, ${Math.round(records / cpuS)} records per CPU-second ` +
    `(${cpuS.toFixed(2)} s CPU over ${wallS.toFixed(2)} s); kafkajs tuning ${kafkajsTuning}`,
);
