/** `persona embed`: embed the chunks that have no vector yet (incremental, resumable). */
import type { Command } from 'commander';
import { runEmbedding } from '../../rag/embedding-job.js';
import { openRetrieval } from '../../rag/open-retrieval.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';
import { createProgressBar } from '../progress-bar.js';

export function registerEmbedCommand(program: Command): void {
  program
    .command('embed')
    .description('Embed the persona\'s chunks for dense search. Only new or changed chunks are embedded; an interrupted run resumes; vectors of forgotten sources are removed. Search works (BM25 only) before this finishes.')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { persona?: string; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      await using retrieval = await openRetrieval(config, store, config.persona);
      const progressBar = createProgressBar();
      const controller = new AbortController();
      const stop = (): void => controller.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      try {
        const result = await runEmbedding({
          database: store.database,
          chunks: retrieval.chunks,
          embedder: retrieval.embedder,
          collection: retrieval.collection,
          signal: controller.signal,
          onProgress: (progress) => progressBar.update(progress.total ? progress.done / progress.total : 1, `${progress.done}/${progress.total} chunks (${retrieval.embedder.id})`),
        });
        progressBar.done();
        if (flags.json) printJson({ persona: config.persona, embedder: retrieval.embedder.id, ...result });
        else {
          process.stdout.write(
            `Embedded ${result.embedded} chunks with ${retrieval.embedder.id} (${result.alreadyEmbedded} already embedded, ${result.deleted} stale vectors removed)\n`,
          );
        }
      } finally {
        progressBar.done();
        process.off('SIGINT', stop);
      }
    });
}
