// The Kafka producer thread (a worker_threads entry point): one KafkaSink, driven by ThreadedKafkaSink's
// messages. kafkajs-tuning comes first, as in the gateway: it must be in this thread's module cache before
// kafkajs loads.
import { kafkajsTuning } from './kafkajs-tuning';
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from './describe-error';
import { KafkaSink } from './kafka.sink';
import type { ThreadReply, ThreadRequest, ThreadSettings } from './kafka-thread.protocol';

const port = parentPort;
if (!port) throw new Error('kafka-producer.thread runs as a worker thread (see ThreadedKafkaSink)');
const reply = (message: ThreadReply): void => port.postMessage(message);
const sink = new KafkaSink({
  ...(workerData as ThreadSettings),
  logger: {
    log: (message) => reply({ op: 'log', level: 'log', message }),
    warn: (message) => reply({ op: 'log', level: 'warn', message }),
  },
});
reply({
  op: 'log',
  level: 'log',
  message: `kafka producer thread started; kafkajs producer tuning ${kafkajsTuning}`,
});

port.on('message', (request: ThreadRequest) => {
  void handle(request);
});

async function handle(request: ThreadRequest): Promise<void> {
  const { id } = request;
  try {
    switch (request.op) {
      case 'send':
        await sink.send(request.topic, request);
        reply({ id, ok: true });
        return;
      case 'health':
        reply({ id, ok: true, health: await sink.health() });
        return;
      case 'close':
        await sink.close();
        reply({ id, ok: true });
        port!.close();
        return;
    }
  } catch (error) {
    const { type } = (error ?? {}) as { type?: unknown };
    reply({
      id,
      ok: false,
      error: {
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : describeError(error),
        type: typeof type === 'string' ? type : undefined,
        permanent: sink.isPermanent(error),
      },
    });
  }
}
