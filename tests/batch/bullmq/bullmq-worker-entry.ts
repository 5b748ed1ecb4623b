/**
 * A `persona worker` in a child process for the kill test: the real worker and processBatchItem
 * on its own home, logging each item it starts to CALLS_LOG ("<id> <pid>") so the test can count
 * calls across processes and kill this one mid-item. The item named by HANG_ON_ITEM never ends
 * here, so the kill lands while it runs.
 */
import { appendFileSync } from 'node:fs';
import { createBullmqBatchWorker } from '../../../src/batch/bullmq/bullmq-batch-worker.js';
import { processBatchItem } from '../../../src/batch/process-item.js';
import { openPersonaRuntime } from '../../../src/voice/persona-runtime.js';
import { testConfig } from '../../helpers/test-config.js';

const { PERSONA_HOME: home, REDIS_URL: redisUrl, CALLS_LOG: callsLog, HANG_ON_ITEM: hangOnItem, REDIS_PREFIX: prefix } = process.env;
if (!home || !redisUrl || !callsLog) throw new Error('PERSONA_HOME, REDIS_URL and CALLS_LOG are required');

const runtime = await openPersonaRuntime(testConfig(home));
const worker = await createBullmqBatchWorker({
  redisUrl,
  runtime,
  ...(prefix ? { prefix } : {}),
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  processItem: async (itemRuntime, question, options, outFolder, signal) => {
    appendFileSync(callsLog, `${question.id} ${process.pid}\n`);
    if (question.id === hangOnItem) await new Promise(() => undefined);
    return processBatchItem(itemRuntime, question, options, outFolder, signal);
  },
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => runtime.close())
    .then(() => process.exit(0));
});
