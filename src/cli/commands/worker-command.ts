/**
 * `persona worker`: one batch worker of a deployment with several GPU boxes. It takes batch
 * items from the Redis at REDIS_URL, answers and speaks them on this machine's engines, and
 * sends each result with its files back to the server. SIGINT/SIGTERM let the running items
 * finish; a second signal interrupts them and hands them back to the queue.
 */
import type { Command } from 'commander';
import { createBullmqBatchWorker } from '../../batch/bullmq/bullmq-batch-worker.js';
import { checkRedisReachable, describeRedisUrl, redisUrlFromEnvironment } from '../../batch/bullmq/redis-url.js';
import { ConfigError } from '../../errors.js';
import { openPersonaRuntime } from '../../voice/persona-runtime.js';
import { configFor } from '../command-context.js';

interface WorkerFlags {
  concurrency: string;
}

export function registerWorkerCommand(program: Command, environment: Record<string, string | undefined> = process.env): void {
  program
    .command('worker')
    .description(
      'Process batch items from the Redis queue at REDIS_URL (the server queues `POST /v1/batch` jobs there when REDIS_URL is set). Run one per GPU box; each needs the same personas and voices as the server. Ctrl-C finishes the running items, a second Ctrl-C hands them back.',
    )
    .option('--concurrency <n>', 'items at once in this process', '1')
    .action(async (flags: WorkerFlags, command: Command) => {
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) command.error(`--concurrency must be a whole number from 1 to 32, not "${flags.concurrency}"`);
      const redisUrl = redisUrlFromEnvironment(environment);
      if (!redisUrl) throw new ConfigError('REDIS_URL is not set: `persona worker` takes batch items from Redis, e.g. REDIS_URL=redis://127.0.0.1:6379');
      // Before the runtime opens (seconds with a model): a wrong URL is told at once.
      await checkRedisReachable(redisUrl);
      const config = configFor(command);
      const runtime = await openPersonaRuntime(config);
      let worker;
      try {
        worker = await createBullmqBatchWorker({
          redisUrl,
          runtime,
          concurrency,
          onItem: (result, batchId) => process.stdout.write(`${batchId} ${result.id}: ${result.status}${result.error ? ` (${result.error})` : ''}\n`),
          onError: (error) => process.stderr.write(`persona worker: ${error.message}\n`),
        });
      } catch (error) {
        await runtime.close();
        throw error;
      }
      process.stdout.write(`persona worker: taking batch items from ${describeRedisUrl(redisUrl)} (concurrency ${concurrency}); stop with Ctrl-C\n`);
      const stopped = new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (): void => {
          signals++;
          if (signals === 1) process.stdout.write('persona worker: finishing the running items (Ctrl-C again to hand them back)\n');
          void worker.close({ force: signals > 1 }).then(resolve, (error: unknown) => {
            process.stderr.write(`persona worker: ${error instanceof Error ? error.message : String(error)}\n`);
            resolve();
          });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      await stopped;
      await runtime.close();
      process.stdout.write('persona worker: stopped\n');
    });
}
