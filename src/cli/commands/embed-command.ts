/** `persona embed`: embed the chunks that have no vector yet (incremental, resumable). */
import type { Command } from 'commander';
import { embeddingJobId, embedPersona } from '../../rag/embed-persona.js';
import { runningJob } from '../../store/job-repository.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';
import { createProgressBar } from '../progress-bar.js';
import { abortOnSignals } from '../abort-on-signals.js';

export function registerEmbedCommand(program: Command): void {
  program
    .command('embed')
    .description(
      "Embed the persona's chunks for dense search. Only new or changed chunks are embedded; an interrupted run resumes; vectors of forgotten sources are removed. `persona ingest` starts this in the background; search works (BM25 only) until it finishes. If a run is already going, shows its progress.",
    )
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { persona?: string; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      const jobId = embeddingJobId(config.persona, config.retrieval.embedder);
      const running = runningJob(store.database, jobId);
      if (running) {
        const { done, total } = running.progress as { done?: number; total?: number };
        if (flags.json) return printJson({ persona: config.persona, running: true, pid: running.pid, done, total });
        process.stdout.write(`An embedding run is already going (process ${running.pid}): ${done ?? 0}/${total ?? '?'} chunks\n`);
        return;
      }
      const progressBar = createProgressBar();
      const controller = abortOnSignals('SIGINT', 'SIGTERM');
      try {
        const result = await embedPersona(config, store, config.persona, {
          signal: controller.signal,
          onProgress: (progress, embedderId) =>
            progressBar.update(progress.total ? progress.done / progress.total : 1, `${progress.done}/${progress.total} chunks (${embedderId})`),
        });
        progressBar.done();
        if (flags.json) printJson({ persona: config.persona, ...result });
        else {
          process.stdout.write(`Embedded ${result.embedded} chunks with ${result.embedder} (${result.alreadyEmbedded} already embedded, ${result.deleted} stale vectors removed)\n`);
        }
      } finally {
        progressBar.done();
        controller.release();
      }
    });
}
