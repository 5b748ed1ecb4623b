/**
 * The web build: the widget bundle is one self-contained browser module (worklets inlined,
 * nothing of Node or of src/), small, and defines <persona-widget>; its pure parts (the
 * resampler, the push-to-talk gate, back-off, audio frames) and the inlined worklets' code
 * are exercised here in Node. What needs a browser is tested in Chromium elsewhere.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolveObjectURL } from 'node:buffer';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { buildWeb } from '../../scripts/build-web.js';
import { PersonaError } from '../../src/errors.js';
import { decodeAudioFrame } from '../../web/widget/audio-frame.js';
import { createPushToTalkGate, defaultSilenceFrames } from '../../web/widget/push-to-talk-gate.js';
import { reconnectDelayMs } from '../../web/widget/reconnect-delay.js';
import { createResampler } from '../../web/widget/resampler.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

const webFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

function sine(frequency: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const samples = new Float32Array(Math.round(rate * seconds));
  for (let index = 0; index < samples.length; index++) samples[index] = amplitude * Math.sin((2 * Math.PI * frequency * index) / rate);
  return samples;
}

function rms(samples: ArrayLike<number>, from = 0): number {
  let sum = 0;
  for (let index = from; index < samples.length; index++) sum += samples[index]! ** 2;
  return Math.sqrt(sum / Math.max(1, samples.length - from));
}

/** Streams `input` through a resampler in blocks of `block`, as a worklet would. */
function resampleInBlocks(input: Float32Array, from: number, to: number, block = 128): Float32Array {
  const resampler = createResampler(from, to);
  const parts: Float32Array[] = [];
  for (let offset = 0; offset < input.length; offset += block) parts.push(resampler.push(input.subarray(offset, offset + block)));
  parts.push(resampler.flush());
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

describe('the widget bundle', () => {
  let outFolder: string;
  let widgetFile: string;
  let text: string;
  let result: Awaited<ReturnType<typeof buildWeb>>;

  before(async () => {
    outFolder = mkdtempSync(path.join(os.tmpdir(), 'persona-web-'));
    result = await buildWeb({ outFolder, log: null });
    widgetFile = path.join(outFolder, 'widget', 'persona-widget.js');
    text = readFileSync(widgetFile, 'utf8');
  });
  after(() => rmSync(outFolder, { recursive: true, force: true }));

  test('is written with its source map and is under 30 KB gzipped', () => {
    assert.ok(result.files.includes(widgetFile), `files: ${result.files.join(', ')}`);
    assert.ok(existsSync(`${widgetFile}.map`));
    assert.match(text, /\/\/# sourceMappingURL=persona-widget\.js\.map\s*$/);
    const gzipped = gzipSync(readFileSync(widgetFile), { level: 9 }).byteLength;
    assert.equal(result.widgetGzipBytes, gzipped);
    assert.ok(gzipped < 30 * 1024, `${gzipped} bytes gzipped`);
    // Minified: identifiers of the source are gone.
    assert.doesNotMatch(text, /createPushToTalkGate|silencedThrough/);
  });

  test('is one self-contained browser module: no require, no imports, nothing of Node or src/', () => {
    assert.doesNotMatch(text, /\brequire\(/);
    assert.doesNotMatch(text, /\bfrom\s*["']/);
    assert.doesNotMatch(text, /\bimport\s*[({*"']/);
    assert.doesNotMatch(text, /node:|process\.env|Buffer\./);
    // zod (the server's message validation) stays on the server.
    assert.doesNotMatch(text, /ZodError|safeParse/);
    assert.match(text, /customElements\.define\(\s*["']persona-widget["']/);
  });

  test('defines <persona-widget> with the state, methods and attributes the page relies on, and inlines both worklets', async (context) => {
    const environment = installBrowserStubs(context);
    await import(`${pathToFileURL(widgetFile).href}?instance=${Date.now()}`);
    const Widget = environment.defined.get('persona-widget');
    assert.ok(Widget, 'customElements.define("persona-widget", …) was not called');
    assert.deepEqual([...(Widget as unknown as { observedAttributes: string[] }).observedAttributes].sort(), ['adapter', 'mode', 'persona', 'server', 'token', 'video', 'voice']);
    const widget = new Widget() as Record<string, unknown>;
    assert.deepEqual(widget['state'], { connection: 'connecting', sessionReady: false, micActive: false, currentTurn: null, playedMs: {}, interruptedTurns: [], lastMetrics: null });
    assert.throws(() => {
      (widget['state'] as { micActive: boolean }).micActive = true;
    }, TypeError);
    for (const method of ['startMic', 'stopMic', 'ask', 'interrupt', 'reconnect']) assert.equal(typeof widget[method], 'function', method);

    // Starting the mic creates the AudioContext, which loads the worklets from Blob URLs.
    await (widget['startMic'] as () => Promise<void>)();
    assert.deepEqual(environment.constraints, [{ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } }]);
    assert.equal(environment.workletSources.length, 2);
    for (const source of environment.workletSources) {
      assert.doesNotMatch(source, /\bimport\b|\brequire\(/);
      for (const name of evaluateWorklet(source).keys()) inlinedWorklets.set(name, source);
    }
    assert.deepEqual([...inlinedWorklets.keys()].sort(), ['persona-capture', 'persona-playback']);
    assert.ok(environment.nodes.includes('persona-capture'));
  });

  test('the inlined capture worklet posts 20 ms PCM16 frames at 16 kHz, low-passed before decimation', () => {
    const Capture = inlinedWorklets.get('persona-capture');
    assert.ok(Capture, 'the worklets were not extracted');
    const run = (frequency: number): Int16Array[] => {
      const { processor, posted } = instantiate(Capture, 48000);
      const input = sine(frequency, 48000, 0.5);
      for (let offset = 0; offset + 128 <= input.length; offset += 128) processor.process([[input.slice(offset, offset + 128)]], []);
      return posted as Int16Array[];
    };
    const speech = run(440);
    // 0.5 s is 25 frames of 20 ms, less the filter's delay of a few samples.
    assert.ok(speech.length === 24 || speech.length === 25, `${speech.length} frames`);
    for (const frame of speech) assert.equal(frame.length, 320);
    const level = rms(speech.slice(2).flatMap((frame) => [...frame]));
    assert.ok(Math.abs(level - 0.5 * Math.SQRT1_2 * 32767) < 0.05 * 0.5 * 32767, `440 Hz level ${level}`);
    // 12 kHz is above the 8 kHz Nyquist of 16 kHz; dropping samples would fold it to 4 kHz at full level.
    const alias = rms(run(12000).slice(2).flatMap((frame) => [...frame]));
    assert.ok(alias < level / 100, `12 kHz leaked through at ${alias} (440 Hz: ${level})`);
  });

  test('the inlined playback worklet waits for ~120 ms (or the turn end), resamples, reports played ms, and flushes at once', () => {
    const Playback = inlinedWorklets.get('persona-playback');
    assert.ok(Playback, 'the worklets were not extracted');
    const { processor, posted } = instantiate(Playback, 48000);
    const render = (blocks: number): Float32Array => {
      const out = new Float32Array(blocks * 128);
      for (let block = 0; block < blocks; block++) {
        const channel = new Float32Array(128);
        processor.process([], [[channel]]);
        out.set(channel, block * 128);
      }
      return out;
    };
    const tone = (seconds: number): Int16Array => Int16Array.from(sine(1000, 24000, seconds), (sample) => Math.round(sample * 32767));

    processor.port.onmessage!({ data: { type: 'audio', turn: 1, rate: 24000, pcm: tone(0.05) } });
    assert.equal(rms(render(20)), 0, '50 ms is under the jitter threshold: nothing plays yet');
    processor.port.onmessage!({ data: { type: 'end', turn: 1 } });
    const first = render(40);
    const nonSilent = first.filter((sample) => Math.abs(sample) > 1e-4).length;
    assert.ok(Math.abs(nonSilent - 2400) < 100, `50 ms at 48 kHz is ~2400 samples; played ${nonSilent}`);
    assert.ok(Math.abs(rms(first.subarray(200, 2200)) - 0.5 * Math.SQRT1_2) < 0.03, 'the tone keeps its level through resampling');
    const finished = (posted as Array<{ type: string; turn: number; ms: number; finished: boolean }>).filter((report) => report.turn === 1 && report.finished);
    assert.equal(finished.length, 1);
    assert.ok(Math.abs(finished[0]!.ms - 50) <= 3, `played ${finished[0]!.ms} ms`);

    processor.port.onmessage!({ data: { type: 'audio', turn: 2, rate: 24000, pcm: tone(1) } });
    assert.ok(rms(render(40)) > 0.3, 'a full second is over the threshold: it plays at once');
    processor.port.onmessage!({ data: { type: 'flush', throughTurn: 2 } });
    assert.equal(rms(render(20)), 0, 'nothing of a flushed turn plays after the flush');
    const flushed = (posted as Array<{ turn: number; ms: number; finished: boolean }>).find((report) => report.turn === 2 && report.finished);
    assert.ok(flushed && flushed.ms > 90 && flushed.ms < 200, `turn 2 reported ${JSON.stringify(flushed)}`);
    const progress = (posted as Array<{ turn: number; finished: boolean }>).filter((report) => report.turn === 2 && !report.finished);
    assert.ok(progress.length >= 1, 'progress is reported about every 100 ms while a turn plays');
  });
});

describe('building', () => {
  test('a syntax error fails the build with the file and line', async (context) => {
    const copy = copyWidget(context);
    const file = path.join(copy, 'widget', 'push-to-talk-gate.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nexport const broken = (;\n`);
    await assert.rejects(buildWeb({ webFolder: copy, outFolder: path.join(copy, 'dist'), log: null }), (error: unknown) => {
      assert.ok(error instanceof PersonaError);
      assert.match(error.message, /push-to-talk-gate\.ts:\d+:\d+/);
      return true;
    });
  });

  test('a value imported from src/ into the widget is refused: server code must not reach the browser', async (context) => {
    const copy = copyWidget(context);
    mkdirSync(path.join(copy, 'src'));
    writeFileSync(path.join(copy, 'src', 'leak.ts'), 'export const serverSecret = 42;\n');
    const entry = path.join(copy, 'widget', 'persona-widget.ts');
    writeFileSync(entry, `import { serverSecret } from '../src/leak.js';\nconsole.log(serverSecret);\n${readFileSync(entry, 'utf8')}`);
    await assert.rejects(buildWeb({ webFolder: copy, outFolder: path.join(copy, 'dist'), log: null }), /pulled in server code \(.*src\/leak\.ts\).*import type/);
  });

  test('the app is bundled and its public files copied when web/app has them; sizes are printed', async (context) => {
    const copy = copyWidget(context);
    mkdirSync(path.join(copy, 'app', 'public', 'icons'), { recursive: true });
    writeFileSync(path.join(copy, 'app', 'app.ts'), "import '../widget/persona-widget.js';\ndocument.title = 'Persona';\n");
    writeFileSync(path.join(copy, 'app', 'public', 'index.html'), '<!doctype html><script type="module" src="app.js"></script>\n');
    writeFileSync(path.join(copy, 'app', 'public', 'icons', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    const lines: string[] = [];
    const out = path.join(copy, 'dist');
    const built = await buildWeb({ webFolder: copy, outFolder: out, log: (line) => lines.push(line) });
    for (const file of ['widget/persona-widget.js', 'app/app.js', 'app/app.js.map', 'app/index.html', 'app/icons/icon.svg']) {
      assert.ok(built.files.includes(path.join(out, file)), `${file} missing from ${built.files.join(', ')}`);
    }
    // The app bundles the widget, worklets included.
    assert.match(readFileSync(path.join(out, 'app', 'app.js'), 'utf8'), /customElements\.define\(\s*["']persona-widget["']/);
    assert.doesNotMatch(readFileSync(path.join(out, 'app', 'app.js'), 'utf8'), /PERSONA_(CAPTURE|PLAYBACK)_WORKLET/);
    assert.equal(lines.length, built.files.length);
    assert.ok(lines.every((line) => /\d+(\.\d)? K?B\s+gzip\s+\d+(\.\d)? K?B$/.test(line)), lines.join('\n'));
  });
});

describe('the resampler', () => {
  test('48 kHz → 16 kHz keeps speech-band tones and removes what would alias', () => {
    const kept = resampleInBlocks(sine(1000, 48000, 0.5), 48000, 16000);
    assert.ok(Math.abs(kept.length - 8000) <= 2, `${kept.length} samples`);
    assert.ok(Math.abs(rms(kept, 200) - 0.5 * Math.SQRT1_2) < 0.01);
    const removed = resampleInBlocks(sine(12000, 48000, 0.5), 48000, 16000);
    assert.ok(rms(removed, 200) < 0.003, `12 kHz came through at ${rms(removed, 200)}`);
  });

  test('44.1 kHz → 16 kHz (a fractional ratio) keeps length and level', () => {
    const output = resampleInBlocks(sine(700, 44100, 1), 44100, 16000);
    assert.ok(Math.abs(output.length - 16000) <= 2, `${output.length} samples`);
    assert.ok(Math.abs(rms(output, 200) - 0.5 * Math.SQRT1_2) < 0.01);
  });

  test('24 kHz → 48 kHz upsamples smoothly; equal rates pass through', () => {
    const output = resampleInBlocks(sine(1000, 24000, 0.5), 24000, 48000);
    assert.ok(Math.abs(output.length - 24000) <= 2);
    assert.ok(Math.abs(rms(output, 200) - 0.5 * Math.SQRT1_2) < 0.01);
    const same = createResampler(16000, 16000).push(Float32Array.of(0.1, 0.2));
    assert.deepEqual([...same], [...Float32Array.of(0.1, 0.2)]);
    assert.throws(() => createResampler(0, 16000), /rates must be positive/);
  });
});

test('push-to-talk sends frames only while held, then ~800 ms of silence', () => {
  const gate = createPushToTalkGate();
  const frame = new Int16Array(320).fill(1000);
  assert.equal(gate.pass(frame), undefined);
  gate.press();
  assert.equal(gate.pass(frame), frame);
  gate.release();
  const tail: Array<Int16Array | undefined> = [];
  for (let index = 0; index < defaultSilenceFrames + 5; index++) tail.push(gate.pass(frame));
  assert.equal(defaultSilenceFrames * 20, 800);
  assert.equal(tail.filter((sent) => sent !== undefined).length, defaultSilenceFrames);
  assert.ok(tail.slice(0, defaultSilenceFrames).every((sent) => sent?.length === 320 && sent.every((sample) => sample === 0)));
  gate.press();
  gate.release();
  gate.reset();
  assert.equal(gate.pass(frame), undefined, 'reset drops the pending silence');
});

test('reconnect back-off: 0.5 s doubling to 8 s, jittered within each step', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((attempt) => reconnectDelayMs(attempt, () => 1)), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
  assert.deepEqual([0, 4].map((attempt) => reconnectDelayMs(attempt, () => 0)), [250, 4000]);
});

test('audio frames: a little-endian turn id, then PCM16; malformed frames are refused', () => {
  const bytes = new Uint8Array([7, 1, 0, 0, 0x01, 0x80, 0xff, 0x7f]);
  const frame = decodeAudioFrame(bytes.buffer);
  assert.equal(frame?.turn, 263);
  assert.deepEqual([...frame!.pcm], [-32767, 32767]);
  assert.equal(decodeAudioFrame(new Uint8Array([1, 0, 0, 0, 9]).buffer), undefined);
  assert.equal(decodeAudioFrame(new Uint8Array([1, 0]).buffer), undefined);
});

// ---- helpers ----

type WorkletProcessor = { port: { onmessage: ((message: { data: unknown }) => void) | null }; process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean };
type WorkletProcessorClass = new () => WorkletProcessor;

/** Processor name → the worklet source the bundle loaded it from. */
const inlinedWorklets = new Map<string, string>();

/** Runs a worklet's code as an AudioWorkletGlobalScope would, at the given rate; returns what it registered. */
function evaluateWorklet(source: string, rate = 48000, posted: unknown[] = []): Map<string, WorkletProcessorClass> {
  const registered = new Map<string, WorkletProcessorClass>();
  class AudioWorkletProcessor {
    port = { onmessage: null, postMessage: (message: unknown) => posted.push(message) };
  }
  vm.runInNewContext(source, { sampleRate: rate, currentTime: 0, AudioWorkletProcessor, registerProcessor: (name: string, processor: WorkletProcessorClass) => registered.set(name, processor) });
  return registered;
}

/** The processor of a worklet source, in a scope of the given rate, with what it posts. */
function instantiate(source: string, rate: number): { processor: WorkletProcessor; posted: unknown[] } {
  const posted: unknown[] = [];
  const [processorClass] = evaluateWorklet(source, rate, posted).values();
  assert.ok(processorClass);
  const created = new processorClass();
  // The vm's typed arrays belong to another realm; copy frames into this one for assertions.
  return { processor: created, posted: new Proxy(posted, { get: (target, key, receiver) => (key === 'length' || typeof key === 'symbol' || !/^\d+$/.test(key) ? Reflect.get(target, key, receiver) : copyFrame(target[Number(key)])) }) };
}

function copyFrame(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && (value as Int16Array).BYTES_PER_ELEMENT === 2) return Int16Array.from(value as Int16Array);
  return value;
}

interface BrowserStubs {
  defined: Map<string, new () => object>;
  constraints: unknown[];
  workletSources: string[];
  nodes: string[];
}

/** Just enough of a browser for the bundle to define its element and start the mic path. */
function installBrowserStubs(context: { after(callback: () => void): void }): BrowserStubs {
  const stubs: BrowserStubs = { defined: new Map(), constraints: [], workletSources: [], nodes: [] };
  class FakeEventTarget {
    addEventListener(): void {}
    dispatchEvent(): boolean {
      return true;
    }
  }
  class FakeAudioContext {
    sampleRate = 48000;
    state = 'running';
    destination = {};
    audioWorklet = {
      addModule: async (url: string) => {
        const blob = resolveObjectURL(url);
        assert.ok(blob, `${url} is not a Blob URL`);
        const source = await blob.text();
        stubs.workletSources.push(source);
      },
    };
    createMediaStreamSource() {
      return { connect() {}, disconnect() {} };
    }
    async resume() {}
    async close() {}
  }
  class FakeAudioWorkletNode {
    port = { onmessage: null, postMessage() {} };
    constructor(_context: unknown, name: string) {
      stubs.nodes.push(name);
    }
    connect() {}
    disconnect() {}
  }
  const globals: Record<string, unknown> = {
    HTMLElement: class extends FakeEventTarget {
      isConnected = false;
      getAttribute(): null {
        return null;
      }
      hasAttribute(): boolean {
        return false;
      }
    },
    customElements: { get: (name: string) => stubs.defined.get(name), define: (name: string, element: new () => object) => stubs.defined.set(name, element) },
    navigator: { mediaDevices: { getUserMedia: async (constraints: unknown) => (stubs.constraints.push(constraints), { getTracks: () => [{ stop() {} }] }) } },
    AudioContext: FakeAudioContext,
    AudioWorkletNode: FakeAudioWorkletNode,
    CustomEvent: class {},
  };
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const [name, value] of Object.entries(globals)) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  context.after(() => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  });
  return stubs;
}

/** A copy of web/widget under a temp folder, to build broken variants of. */
function copyWidget(context: Parameters<typeof temporaryFolder>[0]): string {
  const folder = temporaryFolder(context, 'persona-web-copy-');
  cpSync(path.join(webFolder, 'widget'), path.join(folder, 'widget'), { recursive: true });
  return folder;
}
