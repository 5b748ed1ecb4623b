/**
 * `persona say "TEXT" --out FILE`: speaks a text with the configured (or named) engine and
 * voice into a WAV, MP3 or Ogg/Opus file. The file is written under a temporary name and
 * renamed, so a player or a script never sees half of it.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { concatPcm } from '../../audio/wav-file.js';
import { encodeAudio, formatFromPath } from '../../audio/encode-audio.js';
import { PersonaError } from '../../errors.js';
import { createTtsEngine, ttsEngineNames, type TtsEngineName } from '../../tts/create-tts-engine.js';
import { writeFileAtomically } from '../../tts/voices/write-file-atomically.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface SayFlags {
  out: string;
  voice?: string;
  engine?: TtsEngineName;
  json?: boolean;
}

export function registerSayCommand(program: Command): void {
  program
    .command('say')
    .description('Speak a text into an audio file (.wav, .mp3 or .ogg), with the configured TTS engine (tts.engine, PERSONA_TTS_ENGINE) or --engine.')
    .argument('<text>', 'what to say')
    .requiredOption('-o, --out <file>', 'the audio file to write; its extension picks the format: .wav, .mp3, .ogg (Opus)')
    .option('--voice <name>', 'a voice folder under voices/ (xtts clones it, with consent; flite/espeak use its voice.json mapping) or the engine\'s own voice name (flite: slt, awb, …; espeak: en-us, …)')
    .addOption(new Option('--engine <engine>', 'the TTS engine (default: tts.engine)').choices(ttsEngineNames))
    .option('--json', 'print the result as JSON')
    .action(async (text: string, flags: SayFlags, command: Command) => {
      const out = path.resolve(flags.out);
      const format = formatFromPath(out);
      const config = configFor(command);
      const engine = createTtsEngine(config, { engine: flags.engine });
      const controller = abortOnSignals('SIGINT');
      try {
        const chunks: Int16Array[] = [];
        for await (const chunk of engine.synthesize(text, { voice: flags.voice, signal: controller.signal })) chunks.push(chunk.pcm);
        if (controller.signal.aborted) throw new PersonaError('aborted', `say: interrupted; ${out} was not written`);
        const pcm = concatPcm(chunks);
        if (pcm.length === 0) throw new PersonaError('input-unsupported', `say: the text ${JSON.stringify(text.slice(0, 60))} has nothing to speak`);
        const sampleRate = engine.capabilities.sampleRate;
        const bytes = await encodeAudio(pcm, sampleRate, format, { signal: controller.signal });
        await mkdir(path.dirname(out), { recursive: true });
        await writeFileAtomically(out, bytes);
        const seconds = pcm.length / sampleRate;
        if (flags.json) printJson({ file: out, format, seconds, engine: engine.id, voice: flags.voice ?? null, sampleRate, bytes: bytes.length });
        else process.stdout.write(`${out}  ${seconds.toFixed(2)} s  ${format}  engine ${engine.id}${flags.voice ? `  voice ${flags.voice}` : ''}\n`);
      } finally {
        controller.release();
        await engine.close();
      }
    });
}
