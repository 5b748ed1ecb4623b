/**
 * Debian's Chromium driven by playwright-core, with a fake microphone that plays a WAV file
 * once (`%noloop`) each time a page opens the mic, and the permission prompt answered yes.
 * `scripts/setup.sh` installs Chromium; without it these tests fail saying so.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const chromiumPath = process.env.PERSONA_CHROMIUM ?? '/usr/bin/chromium';

function launchArguments(microphoneFile: string | undefined): string[] {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: run scripts/setup.sh (apt-get install chromium) or set PERSONA_CHROMIUM`);
  }
  return [
    // Tests run as root in CI containers, where Chromium's sandbox cannot start.
    '--no-sandbox',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(microphoneFile ? [`--use-file-for-fake-audio-capture=${microphoneFile}%noloop`] : []),
    '--autoplay-policy=no-user-gesture-required',
  ];
}

export function launchChromium(options: { microphoneFile?: string } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: launchArguments(options.microphoneFile) });
}

/** A browser with a real profile: Chromium treats the pages of a throwaway (incognito) context as not installable. */
export function launchChromiumWithProfile(profileFolder: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileFolder, { executablePath: chromiumPath, args: launchArguments(undefined) });
}
