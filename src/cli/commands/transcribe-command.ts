/**
 * `persona transcribe FILE`: the text of an audio file (WAV, MP3, Ogg, WebM, … anything
 * ffmpeg reads) with the configured STT engine, biased towards the persona's names and
 * words when the persona is in the store.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { StoreError } from '../../errors.js';
import { createSttEngine, sttEngineNames, type SttEngineName } from '../../stt/create-stt-engine.js';
import { checkAudioFile } from '../../stt/decode-audio.js';
import { loadPersonaBias } from '../../stt/persona-bias.js';
import type { SttBias } from '../../stt/stt-engine.js';
import { transcribeFile } from '../../stt/transcribe-file.js';
import { openStore, storeFile } from '../../store/store.js';
import type { Config } from '../../config.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface TranscribeFlags {
  json?: boolean;
  persona?: string;
  engine?: SttEngineName;
  /** commander's `--no-bias` sets this to false. */
  bias: boolean;
}

export function registerTranscribeCommand(program: Command): void {
  program
    .command('transcribe')
    .description("Transcribe an audio file (.wav, .mp3, .ogg, .webm, … anything ffmpeg reads) with the configured STT engine (stt.engine, PERSONA_STT_ENGINE) or --engine, biased towards the persona's names and words.")
    .argument('<file>', 'the audio file')
    .option('-p, --persona <id>', 'the persona whose words bias recognition (default: $PERSONA_DEFAULT or "default")')
    .addOption(new Option('--engine <engine>', 'the STT engine (default: stt.engine)').choices(sttEngineNames))
    .option('--no-bias', "do not bias recognition towards the persona's words")
    .option('--json', 'print {"text", "segments"} as JSON, segments with offsets in ms')
    .action(async (file: string, flags: TranscribeFlags, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      const audioFile = path.resolve(file);
      // Before an engine loads a model: a typo should not cost a model load.
      await checkAudioFile(audioFile);
      const bias = flags.bias ? personaBias(config) : undefined;
      const engine = await createSttEngine(config, { engine: flags.engine });
      const controller = abortOnSignals('SIGINT');
      try {
        const transcript = await transcribeFile(engine, audioFile, { bias, signal: controller.signal });
        if (flags.json) printJson({ text: transcript.text, segments: transcript.segments });
        else process.stdout.write(`${transcript.text}\n`);
      } finally {
        controller.release();
        await engine.close();
      }
    });
}

/** The persona's bias when the store exists and knows the persona; none otherwise (opening it would create a store). */
function personaBias(config: Config): SttBias | undefined {
  if (!existsSync(storeFile(config))) return undefined;
  using store = openStore(config);
  try {
    return loadPersonaBias(store, config.persona);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'not-found') return undefined;
    throw error;
  }
}
