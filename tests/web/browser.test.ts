/**
 * The widget and the PWA in a real browser: Debian's Chromium, a fake microphone that
 * plays a flite-spoken question, and the real server (Silero VAD, PocketSphinx, recall,
 * flite) with audio paced as a listener hears it. The spoken round trip, barge-in, the text
 * box, a denied microphone, the PWA (installable, service worker active, history), and
 * reconnecting after a server restart.
 *
 * With PERSONA_SCREENSHOT_FOLDER set, screenshots of the widget and the PWA are saved there
 * (that is how docs/widget.png and docs/pwa.png are made).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { concatPcm, encodeWav } from '../../src/audio/wav-file.js';
import { speakQuestion } from '../../src/client/spoken-question.js';
import { buildApp } from '../../src/server/app.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { startTalkServer, type TalkServer } from '../server/talk-server.js';
import { launchChromium, launchChromiumWithProfile } from './browser.js';

interface WidgetState {
  connection: string;
  sessionReady: boolean;
  micActive: boolean;
  currentTurn: number | null;
  playedMs: Record<number, number>;
  interruptedTurns: number[];
}

/** Browser globals used inside `page.evaluate` callbacks, which run in the page, not in Node. */
declare const document: { querySelector(selector: string): unknown };
declare const navigator: {
  mediaDevices: { getUserMedia(constraints: unknown): Promise<unknown> };
  serviceWorker: { ready: Promise<{ active: { state: string; addEventListener(type: string, listener: () => void, options: { once: boolean }): void } | null }> };
};
declare class DOMException extends Error {
  constructor(message: string, name: string);
}

const screenshotFolder = process.env.PERSONA_SCREENSHOT_FOLDER;
const longQuestion = 'Tell me about the bridge inspections and the monsoon season.';

function widgetState(page: Page): Promise<WidgetState> {
  return page.evaluate(() => (document.querySelector('persona-widget') as unknown as { state: WidgetState }).state);
}

async function waitForState(page: Page, predicate: (state: WidgetState) => boolean, what: string, timeoutMs = 60_000): Promise<WidgetState> {
  const deadline = Date.now() + timeoutMs;
  let state = await widgetState(page);
  while (!predicate(state)) {
    if (Date.now() > deadline) throw new Error(`the widget never reached "${what}"; its state: ${JSON.stringify(state)}`);
    await page.waitForTimeout(100);
    state = await widgetState(page);
  }
  return state;
}

/** Types a question into the widget's text box, presses Enter, and waits for the answer to mention `expected`. */
async function askByTyping(page: Page, question: string, expected: RegExp): Promise<void> {
  const input = page.locator('persona-widget [data-role="text-input"]');
  await input.fill(question);
  await input.press('Enter');
  await page.locator('persona-widget [data-role="answer"]').filter({ hasText: expected }).waitFor({ timeout: 60_000 });
}

describe('the widget and the PWA in Chromium', () => {
  const home = makeTemporaryFolder('browser');
  let server: TalkServer;
  let browser: Browser;
  let token: string;
  let restartedApp: Awaited<ReturnType<typeof buildApp>> | undefined;

  before(async () => {
    await buildWeb({ log: null });
    server = await startTalkServer(home, { environment: { PERSONA_AUDIO_LEAD_MS: '1000' } });
    const minted = await fetch(`${server.httpUrl}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ persona: 'meera', ttlSeconds: 3600 }),
    });
    token = ((await minted.json()) as { token: string }).token;
    // The fake microphone: a moment of silence, the question, then silence so the VAD ends the utterance.
    const spoken = await speakQuestion(server.runtime.embeddedTts, 'What do you drink in the morning?', { silenceMs: 1500 });
    const microphoneFile = path.join(home, 'microphone.wav');
    writeFileSync(microphoneFile, encodeWav(concatPcm([spoken, new Int16Array(16000 * 3)]), 16000));
    browser = await launchChromium({ microphoneFile });
  });
  after(async () => {
    await browser?.close();
    await restartedApp?.close();
    await server?.close();
  });

  /** The example host page (web/app/public/embed-example.html): one script tag and one element. */
  async function openHostPage(options: { denyMicrophone?: boolean } = {}): Promise<Page> {
    const page = await browser.newPage();
    if (options.denyMicrophone) {
      await page.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      });
    }
    // The example host page served with the app: one script tag and one element (a page from another origin would need CORS-free access to this server).
    await page.goto(`${server.httpUrl}/embed-example.html#token=${token}&persona=meera`);
    await waitForState(page, (state) => state.sessionReady, 'session ready');
    return page;
  }

  test('a spoken question: transcript shown, answer and sources shown, audio played', async () => {
    const page = await openHostPage();
    try {
      await page.locator('persona-widget [data-role="mic"]').click();
      const transcript = page.locator('persona-widget [data-role="transcript"]');
      await transcript.filter({ hasText: /\w/ }).waitFor({ timeout: 60_000 });
      const answer = page.locator('persona-widget [data-role="answer"]');
      await answer.filter({ hasText: /coffee/i }).waitFor({ timeout: 60_000 });
      assert.equal(await answer.getAttribute('aria-live'), 'polite', 'the answer is announced to screen readers');
      const state = await waitForState(page, (current) => current.currentTurn !== null && (current.playedMs[current.currentTurn] ?? 0) > 800, 'audio played');
      assert.ok(state.micActive);
      assert.ok((await page.locator('persona-widget [data-role="sources"] li').count()) > 0, 'the sources are listed');
      if (screenshotFolder) await page.locator('persona-widget').screenshot({ path: path.join(screenshotFolder, 'widget.png') });
    } finally {
      await page.close();
    }
  });

  test('speaking during playback stops the old answer at once (barge-in)', async () => {
    const page = await openHostPage();
    try {
      await page.locator('persona-widget [data-role="text-input"]').fill(longQuestion);
      await page.locator('persona-widget [data-role="send"]').click();
      const playing = await waitForState(page, (state) => state.currentTurn !== null && (state.playedMs[state.currentTurn] ?? 0) > 1000, 'the first answer playing');
      const firstTurn = playing.currentTurn!;
      await page.locator('persona-widget [data-role="mic"]').click();
      const interrupted = await waitForState(page, (state) => state.interruptedTurns.includes(firstTurn), 'the first turn interrupted');
      const playedAtInterruption = interrupted.playedMs[firstTurn] ?? 0;
      await page.waitForTimeout(800);
      const later = await widgetState(page);
      assert.ok((later.playedMs[firstTurn] ?? 0) - playedAtInterruption < 150, `the old answer stopped playing (played ${playedAtInterruption} ms, then ${later.playedMs[firstTurn]} ms)`);
      await waitForState(page, (state) => state.currentTurn !== null && state.currentTurn > firstTurn, 'the spoken question starting a new turn');
    } finally {
      await page.close();
    }
  });

  test('the text box asks without a microphone, even when the microphone is denied', async () => {
    const page = await openHostPage({ denyMicrophone: true });
    try {
      await page.locator('persona-widget [data-role="mic"]').click();
      await page.locator('persona-widget [data-role="error"]').filter({ hasText: /microphone/i }).waitFor({ timeout: 10_000 });
      await askByTyping(page, 'Filter coffee or tea?', /coffee/i);
    } finally {
      await page.close();
    }
  });

  test('the PWA is installable, its service worker is active, and it shows the persona and its history', async () => {
    const profile = await launchChromiumWithProfile(path.join(home, 'chromium-profile'));
    const page = await profile.newPage();
    try {
      await page.goto(`${server.httpUrl}/?persona=meera#token=${token}`);
      await page.locator('body[data-app-state="ready"]').waitFor({ timeout: 30_000 });
      assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar');
      assert.equal(await page.locator('[data-role="persona-picker"]').inputValue(), 'meera');
      const workerState = await page.evaluate(async () => {
        // `ready` resolves once a worker is active, which may still be finishing its activate step.
        const worker = (await navigator.serviceWorker.ready).active!;
        if (worker.state === 'activating') await new Promise<void>((resolve) => worker.addEventListener('statechange', resolve, { once: true }));
        return worker.state;
      });
      assert.equal(workerState, 'activated');

      const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
      const manifest = (await (await fetch(new URL(manifestHref!, server.httpUrl))).json()) as { name: string; start_url: string; display: string; icons: { sizes: string; type: string }[] };
      assert.ok(manifest.name && manifest.start_url && manifest.display === 'standalone');
      assert.ok(manifest.icons.some((icon) => icon.sizes === '192x192') && manifest.icons.some((icon) => icon.sizes === '512x512'));
      const cdp = await page.context().newCDPSession(page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
      assert.deepEqual(installabilityErrors, [], 'Chromium finds the PWA installable');

      await waitForState(page, (state) => state.sessionReady, 'the PWA widget session ready');
      await askByTyping(page, 'Filter coffee or tea?', /coffee/i);
      await page.locator('[data-role="history"] [data-conversation-id]').first().waitFor({ timeout: 20_000 });
      if (screenshotFolder) await page.screenshot({ path: path.join(screenshotFolder, 'pwa.png'), fullPage: true });
    } finally {
      await profile.close();
    }
  });

  test('the widget reconnects after the server restarts, and talks again', async () => {
    const page = await openHostPage();
    try {
      const port = (server.app.server.address() as { port: number }).port;
      await server.app.close();
      await waitForState(page, (state) => state.connection === 'reconnecting', 'reconnecting');
      restartedApp = await buildApp({ runtime: server.runtime });
      await restartedApp.listen({ host: '127.0.0.1', port });
      await waitForState(page, (state) => state.connection === 'connected' && state.sessionReady, 'connected again', 30_000);
      await askByTyping(page, 'Filter coffee or tea?', /coffee/i);
    } finally {
      await page.close();
    }
  });
});
