/**
 * `persona voices add | list`: the voice folders under `voices/` ($PERSONA_VOICES), each a
 * person's reference clips and their recorded consent. Cloning runs XTTS v2, whose weights
 * are non-commercial (CPML): the notice is printed whenever a voice is ready for cloning.
 */
import type { Command } from 'commander';
import { addVoice, type AddVoiceResult } from '../../tts/voices/add-voice.js';
import { listVoices, type VoiceListing } from '../../tts/voices/list-voices.js';
import { cloningPurpose } from '../../tts/voices/consent-record.js';
import { xttsLicenceNotice } from '../../tts/voices/xtts-licence-notice.js';
import { collect, configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface AddFlags {
  consentBy: string;
  purpose: string[];
  grantedAt?: string;
  recordedBy?: string;
  notes?: string;
  json?: boolean;
}

export function registerVoicesCommand(program: Command): void {
  const voices = program
    .command('voices')
    .description('The voices a persona can speak in: reference clips of a real person plus their recorded consent, one folder per voice under voices/ ($PERSONA_VOICES).');

  voices
    .command('add')
    .description(
      'Add reference clips (any format ffmpeg reads) to voices/NAME, stored as 24 kHz mono WAV, and record who consented to the voice being used and for what. Every clip is checked before anything is written; clips outside 10–30 s, fewer than 5 clips, or clipped audio are warned about.',
    )
    .argument('<name>', 'the voice name: letters, digits, "-" and "_"')
    .argument('<clips...>', 'reference recordings of clean speech (5–10 clips of 10–30 s work best)')
    .requiredOption('--consent-by <who>', 'who gave consent: the person whose voice it is, or their legal representative')
    .option('--purpose <purpose>', `what the voice may be used for (repeatable; default ${cloningPurpose})`, collect, [])
    .option('--granted-at <date>', 'when consent was given, ISO 8601 (default: now)')
    .option('--recorded-by <who>', 'who made the recordings')
    .option('--notes <text>', 'anything else about the consent (scope, limits, where the signed form is kept)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\n${xttsLicenceNotice}`)
    .action(async (name: string, clips: string[], flags: AddFlags, command: Command) => {
      const config = configFor(command);
      const controller = abortOnSignals('SIGINT');
      try {
        const result = await addVoice(config.voicesFolder, name, clips, {
          consentBy: flags.consentBy,
          purposes: flags.purpose,
          grantedAt: flags.grantedAt,
          recordedBy: flags.recordedBy,
          notes: flags.notes,
          signal: controller.signal,
        });
        if (flags.json) printJson(result);
        else process.stdout.write(formatAdded(result));
        for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
        if (result.consent.purposes.includes(cloningPurpose)) process.stderr.write(`${xttsLicenceNotice}\n`);
      } finally {
        controller.release();
      }
    });

  voices
    .command('list')
    .description('List the voices with their clips, total length, consent (who, when, for what) and whether they can be cloned.')
    .option('--json', 'print the list as JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const config = configFor(command);
      const listings = await listVoices(config.voicesFolder);
      if (flags.json) printJson(listings);
      else process.stdout.write(formatListing(listings, config.voicesFolder));
      if (listings.some((listing) => listing.usableForCloning)) process.stderr.write(`${xttsLicenceNotice}\n`);
    });
}

function formatAdded(result: AddVoiceResult): string {
  const lines = [`Voice "${result.voice}": ${result.clips.length} clip${result.clips.length === 1 ? '' : 's'} added (${result.clipCount} in all) in ${result.folder}`];
  for (const clip of result.clips) {
    const peak = Number.isFinite(clip.quality.peakDecibels) ? `${clip.quality.peakDecibels.toFixed(1)} dBFS` : 'silent';
    lines.push(`  ${clip.source} → ${clip.file.slice(result.folder.length + 1)}  ${clip.quality.seconds.toFixed(1)} s  peak ${peak}`);
  }
  lines.push(`Consent: ${result.consent.consentBy}, ${result.consent.grantedAt}, for ${result.consent.purposes.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function formatListing(listings: readonly VoiceListing[], folder: string): string {
  if (listings.length === 0) return `No voices in ${folder}. Add one with: persona voices add NAME CLIPS… --consent-by "…"\n`;
  const lines: string[] = [];
  for (const voice of listings) {
    const clipWord = voice.clips.length === 1 ? 'clip' : 'clips';
    const cloning = voice.usableForCloning ? 'cloning: yes' : `cloning: no (${voice.consentProblem ?? (voice.clips.length === 0 ? 'no clips' : `consent does not cover ${cloningPurpose}`)})`;
    lines.push(`${voice.name}  ${voice.clips.length} ${clipWord}, ${voice.totalSeconds.toFixed(1)} s  ${cloning}`);
    if (voice.consent) lines.push(`  consent: ${voice.consent.consentBy}, ${voice.consent.grantedAt}, for ${voice.consent.purposes.join(', ')}`);
    const embedded = Object.entries(voice.embedded);
    if (embedded.length > 0) lines.push(`  embedded voices: ${embedded.map(([engine, name]) => `${engine} ${name}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
