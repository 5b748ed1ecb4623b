/**
 * Builds the browser code (`npm run build`): the `<persona-widget>` bundle, with its two
 * AudioWorklets bundled first and inlined as text (a host page needs one `<script>`), and
 * the PWA with its static files when `web/app/` has them.
 *
 *   web/dist/widget/persona-widget.js (+ .map)   from web/widget/persona-widget.ts
 *   web/dist/app/app.js (+ .map)                 from web/app/app.ts, if present
 *   web/dist/app/**                              copied from web/app/public/**, if present
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Message } from 'esbuild';
import { describeError, PersonaError } from '../src/errors.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildWebOptions {
  /** Default: web/dist. */
  outFolder?: string;
  /** Default: true. */
  minify?: boolean;
  /** The folder holding `widget/` and `app/` (default: web/); tests point it at a copy. */
  webFolder?: string;
  /** Where to print the file sizes (default: stdout); `null` prints nothing. */
  log?: ((line: string) => void) | null;
}

export interface BuildWebResult {
  /** Absolute paths of every file written. */
  files: string[];
  widgetGzipBytes: number;
}

/** Browsers with AudioWorklet, private class fields and `??=`. */
const browserTarget = ['chrome100', 'firefox100', 'safari15.4', 'edge100'];

export async function buildWeb(options: BuildWebOptions = {}): Promise<BuildWebResult> {
  const webFolder = path.resolve(options.webFolder ?? path.join(repositoryRoot, 'web'));
  const outFolder = path.resolve(options.outFolder ?? path.join(webFolder, 'dist'));
  const minify = options.minify ?? true;
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const widgetEntry = path.join(webFolder, 'widget', 'persona-widget.ts');
  if (!existsSync(widgetEntry)) throw new PersonaError('not-found', `${widgetEntry}: the widget's entry file is missing`);

  const common: BuildOptions = { bundle: true, format: 'esm', platform: 'browser', target: browserTarget, minify, logLevel: 'silent', legalComments: 'none', charset: 'utf8' };
  const define = {
    PERSONA_CAPTURE_WORKLET: JSON.stringify(await bundleWorklet(path.join(webFolder, 'widget', 'capture-worklet.ts'), common)),
    PERSONA_PLAYBACK_WORKLET: JSON.stringify(await bundleWorklet(path.join(webFolder, 'widget', 'playback-worklet.ts'), common)),
  };

  const widgetFolder = path.join(outFolder, 'widget');
  const appFolder = path.join(outFolder, 'app');
  rmSync(widgetFolder, { recursive: true, force: true });
  mkdirSync(widgetFolder, { recursive: true });
  const files: string[] = [];

  const widgetFile = path.join(widgetFolder, 'persona-widget.js');
  files.push(...(await bundle(widgetEntry, widgetFile, { ...common, define, sourcemap: 'linked' })));

  const appEntry = path.join(webFolder, 'app', 'app.ts');
  const publicFolder = path.join(webFolder, 'app', 'public');
  if (existsSync(appEntry) || existsSync(publicFolder)) rmSync(appFolder, { recursive: true, force: true });
  if (existsSync(publicFolder)) {
    cpSync(publicFolder, appFolder, { recursive: true });
    files.push(...listFiles(appFolder));
  }
  if (existsSync(appEntry)) files.push(...(await bundle(appEntry, path.join(appFolder, 'app.js'), { ...common, define, sourcemap: 'linked' })));

  let widgetGzipBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    const gzipped = gzipSync(bytes, { level: 9 }).byteLength;
    if (file === widgetFile) widgetGzipBytes = gzipped;
    log?.(`${path.relative(process.cwd(), file).padEnd(48)} ${formatBytes(bytes.byteLength).padStart(9)}  gzip ${formatBytes(gzipped).padStart(9)}`);
  }
  return { files, widgetGzipBytes };
}

async function bundleWorklet(entry: string, common: BuildOptions): Promise<string> {
  const result = await run(entry, { ...common, entryPoints: [entry], write: false });
  const output = result.outputFiles?.[0];
  if (!output) throw new PersonaError('input-unreadable', `${entry}: esbuild produced no output`);
  return output.text;
}

/** Writes one bundle; returns the files written. Nothing from src/ may end up in it. */
async function bundle(entry: string, outfile: string, options: BuildOptions): Promise<string[]> {
  const result = await run(entry, { ...options, entryPoints: [entry], outfile, metafile: true });
  const serverInputs = Object.keys(result.metafile?.inputs ?? {}).filter((input) => /(^|\/)src\//.test(input) || input.includes('node_modules/zod'));
  if (serverInputs.length > 0) {
    throw new PersonaError('input-unsupported', `${entry}: the browser bundle pulled in server code (${serverInputs.join(', ')}); import its types with "import type"`);
  }
  return Object.keys(result.metafile?.outputs ?? {}).map((output) => path.resolve(output));
}

async function run(entry: string, options: BuildOptions): Promise<Awaited<ReturnType<typeof build>>> {
  try {
    return await build(options);
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    const details = errors?.length ? errors.map(formatMessage).join('\n') : describeError(error);
    throw new PersonaError('input-unreadable', `${entry}: the web build failed:\n${details}`, { cause: error });
  }
}

function formatMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  return `  ${where}${message.text}`;
}

function listFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...listFiles(full));
    else found.push(full);
  }
  return found;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildWeb().catch((error: unknown) => {
    console.error(error instanceof PersonaError ? error.message : describeError(error));
    process.exitCode = 1;
  });
}
