/**
 * The gate in front of voice cloning: a voice is cloned only when its folder holds a valid
 * consent.json whose purposes include `voice-cloning`. This checks it before any request
 * leaves this machine; the XTTS worker checks it again where the clips are.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TtsError } from '../tts-engine.js';
import { cloningPurpose, consentFileName, readConsent, type ConsentRecord } from './consent-record.js';
import { checkVoiceName } from './voice-name.js';

export async function requireCloningConsent(voicesFolder: string, name: string): Promise<ConsentRecord> {
  checkVoiceName(name);
  const folder = path.join(voicesFolder, name);
  if (!existsSync(folder)) {
    throw new TtsError('input-unsupported', `voice "${name}": no folder ${folder}; add it with \`persona voices add ${name} CLIPS… --consent-by "…"\``);
  }
  const reading = await readConsent(folder);
  if (reading.status === 'missing') {
    throw new TtsError('input-unsupported', `voice "${name}" has no ${consentFileName}: cloning refused. Record consent with \`persona voices add ${name} CLIPS… --consent-by "…"\` (see voices/README.md)`);
  }
  if (reading.status === 'invalid') throw new TtsError('input-unsupported', `voice "${name}": cloning refused, consent is not valid: ${reading.problem}`);
  if (!reading.consent.purposes.includes(cloningPurpose)) {
    throw new TtsError(
      'input-unsupported',
      `voice "${name}": cloning refused, the consent of ${reading.consent.consentBy} covers ${reading.consent.purposes.join(', ')} but not ${cloningPurpose}`,
    );
  }
  return reading.consent;
}
