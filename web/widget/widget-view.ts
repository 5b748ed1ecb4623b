/**
 * The widget's shadow DOM: built once, then updated piece by piece. Every piece the
 * browser tests reach carries `data-role`; every piece a host page may restyle, `part`.
 */
import type { SourceReference, ServerEvent, TurnTimings } from '../../src/events.js';
import type { ConnectionStatus } from './talk-connection.js';
import { widgetStyles } from './widget-styles.js';

type TurnMetrics = Extract<ServerEvent, { type: 'turn-metrics' }>;

export interface WidgetView {
  readonly mic: HTMLButtonElement;
  readonly talk: HTMLButtonElement;
  readonly form: HTMLFormElement;
  readonly textInput: HTMLInputElement;
  readonly timingsToggle: HTMLButtonElement;
  readonly video: HTMLVideoElement;
  setStatus(status: ConnectionStatus, text: string): void;
  showError(message: string | undefined, code?: string): void;
  setTranscript(text: string, final: boolean): void;
  appendAnswer(text: string): void;
  setAnswer(text: string): void;
  setSources(sources: readonly SourceReference[]): void;
  setMetrics(metrics: TurnMetrics): void;
  setMicActive(active: boolean): void;
  setTalkHeld(held: boolean): void;
  setPushToTalk(pushToTalk: boolean): void;
  setTimingsShown(shown: boolean): void;
}

const stageLabels: Array<[keyof TurnTimings, string]> = [
  ['sttMs', 'Speech → transcript'],
  ['retrievalMs', 'Retrieval'],
  ['firstTokenMs', 'First token'],
  ['firstSentenceMs', 'First sentence'],
  ['firstAudioMs', 'First audio'],
  ['totalMs', 'Total'],
];

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  if (text !== undefined) created.textContent = text;
  return created;
}

export function renderView(root: ShadowRoot): WidgetView {
  const style = element('style');
  style.textContent = widgetStyles;
  const panel = element('div', { class: 'panel', part: 'panel' });
  const status = element('div', { class: 'status', part: 'status', 'data-role': 'status', role: 'status', 'data-state': 'connecting' }, 'Connecting…');
  const error = element('div', { class: 'error', part: 'error', 'data-role': 'error', role: 'alert' });
  error.hidden = true;
  const transcript = element('p', { class: 'transcript', part: 'transcript', 'data-role': 'transcript', 'aria-label': 'You said', 'data-final': 'true' });
  const answer = element('div', { class: 'answer', part: 'answer', 'data-role': 'answer', 'aria-live': 'polite', 'aria-label': 'Answer' });
  const sources = element('ul', { class: 'sources', part: 'sources', 'data-role': 'sources', 'aria-label': 'Sources' });
  sources.hidden = true;
  const video = element('video', { part: 'video', 'data-role': 'video', playsinline: '', 'aria-label': 'Persona video' });
  // The answer's sound comes through the audio path; the video is pictures only.
  video.muted = true;
  video.autoplay = true;
  video.hidden = true;

  const controls = element('div', { class: 'controls', part: 'controls' });
  const mic = element('button', { type: 'button', part: 'mic-button', 'data-role': 'mic', 'aria-pressed': 'false' }, 'Start microphone');
  const talk = element('button', { type: 'button', class: 'primary', part: 'talk-button', 'data-role': 'talk', 'aria-pressed': 'false' }, 'Hold to talk');
  talk.hidden = true;
  const form = element('form', { part: 'ask' });
  const inputLabel = element('label', { class: 'visually-hidden', for: 'persona-question' }, 'Type a question');
  const textInput = element('input', { id: 'persona-question', type: 'text', part: 'text-input', 'data-role': 'text-input', autocomplete: 'off', enterkeyhint: 'send', maxlength: '4000', placeholder: 'Type a question…' });
  const send = element('button', { type: 'submit', class: 'primary', part: 'send-button', 'data-role': 'send' }, 'Send');
  form.append(inputLabel, textInput, send);
  controls.append(mic, talk, form);

  const timingsToggle = element('button', { type: 'button', class: 'link', part: 'timings-toggle', 'data-role': 'timings-toggle', 'aria-pressed': 'false', 'aria-controls': 'persona-timings' }, 'Show timings');
  const timings = element('dl', { id: 'persona-timings', class: 'timings', part: 'timings', 'data-role': 'timings', 'aria-label': 'Timings of the last answer' });
  timings.hidden = true;
  timings.append(element('dt', {}, 'No answer yet'), element('dd'));

  panel.append(status, error, transcript, answer, sources, video, controls, timingsToggle, timings);
  root.append(style, panel);

  return {
    mic,
    talk,
    form,
    textInput,
    timingsToggle,
    video,
    setStatus(state, text) {
      status.dataset['state'] = state;
      status.textContent = text;
    },
    showError(message, code) {
      error.hidden = message === undefined;
      error.textContent = message ?? '';
      if (code) error.dataset['code'] = code;
      else delete error.dataset['code'];
    },
    setTranscript(text, final) {
      transcript.textContent = text;
      transcript.dataset['final'] = String(final);
    },
    appendAnswer(text) {
      // A text node per delta: screen readers announce the addition, not the whole answer again.
      answer.append(document.createTextNode(text));
    },
    setAnswer(text) {
      answer.textContent = text;
    },
    setSources(list) {
      sources.replaceChildren(
        ...list.map((source) => {
          const item = element('li', { 'data-source-id': source.id }, source.label);
          item.title = [source.source, source.page === undefined ? '' : `page ${source.page}`, source.date ?? ''].filter(Boolean).join(' · ');
          return item;
        }),
      );
      sources.hidden = list.length === 0;
    },
    setMetrics(metrics) {
      const rows: HTMLElement[] = [];
      for (const [key, label] of stageLabels) {
        const value = metrics.timings[key];
        if (value === undefined) continue;
        rows.push(element('dt', {}, label), element('dd', { 'data-stage': key }, `${value} ms`));
      }
      rows.push(element('dt', {}, 'Outcome'), element('dd', { 'data-stage': 'outcome' }, metrics.outcome));
      const engines = [metrics.engine.stt, metrics.engine.llm, metrics.engine.tts].filter(Boolean).join(' · ');
      rows.push(element('dt', {}, 'Engines'), element('dd', { 'data-stage': 'engines' }, engines));
      timings.replaceChildren(...rows);
    },
    setMicActive(active) {
      mic.setAttribute('aria-pressed', String(active));
      mic.textContent = active ? 'Stop microphone' : 'Start microphone';
    },
    setTalkHeld(held) {
      talk.setAttribute('aria-pressed', String(held));
      talk.textContent = held ? 'Listening… release to send' : 'Hold to talk';
    },
    setPushToTalk(pushToTalk) {
      talk.hidden = !pushToTalk;
    },
    setTimingsShown(shown) {
      timings.hidden = !shown;
      timingsToggle.setAttribute('aria-pressed', String(shown));
      timingsToggle.textContent = shown ? 'Hide timings' : 'Show timings';
    },
  };
}
