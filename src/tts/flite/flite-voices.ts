/**
 * The voices a flite binary has built in, from `flite -lv`. flite itself silently falls back
 * to its default voice for a name it does not know, so the engine checks names against this
 * list and can say which ones exist.
 */
import { execFile } from 'node:child_process';
import { TtsError } from '../tts-engine.js';

/** Limited-domain voices speak only their domain (awb_time: clock times) and garble anything else. */
const limitedDomain = /_time$/;

export async function listFliteVoices(binary: string): Promise<string[]> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(binary, ['-lv'], { encoding: 'utf8', timeout: 10_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  }).catch((error: NodeJS.ErrnoException) => {
    throw fliteStartError(binary, error);
  });
  const listed = /Voices available:(.*)/.exec(output)?.[1];
  if (listed === undefined) throw new TtsError('service-unavailable', `flite: ${binary} -lv did not list voices (got ${JSON.stringify(output.slice(0, 200))})`);
  return listed.split(/\s+/).filter((name) => name !== '' && !limitedDomain.test(name));
}

export function fliteStartError(binary: string, error: NodeJS.ErrnoException): TtsError {
  if (error.code === 'ENOENT' || error.code === 'EACCES') {
    return new TtsError(
      'service-unavailable',
      `flite: cannot run ${JSON.stringify(binary)} (${error.code}); install flite (Debian/Ubuntu: apt-get install flite) or set the binary path`,
      { cause: error },
    );
  }
  return new TtsError('service-unavailable', `flite: cannot run ${JSON.stringify(binary)}: ${error.message}`, { cause: error });
}
