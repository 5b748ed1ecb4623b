/** The `/v1/audio/speech` URL of a server given as its base (`http://host:8000`, `…/v1`) or as the full endpoint. */
import { ConfigError } from '../../errors.js';

export function speechUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ConfigError(`The speech server URL "${url}" (PERSONA_TTS_URL) is not a URL`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`The speech server URL "${url}" (PERSONA_TTS_URL) must start with http:// or https://`);
  }
  const base = parsed.href.replace(/\/+$/, '');
  if (/\/audio\/speech$/.test(base)) return base;
  return `${base}${/\/v1$/.test(base) ? '' : '/v1'}/audio/speech`;
}
