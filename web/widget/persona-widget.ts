/**
 * `<persona-widget server="https://…" token="…" persona="meera" voice="…"
 * mode="hands-free|push-to-talk" video>`: talk to a persona by voice (or by typing) over the
 * `/v1/talk` WebSocket. No framework; the host page needs only this one script.
 *
 * Barge-in on this side: once a newer turn starts (the user speaks, types, or interrupts),
 * whatever is still buffered of older turns is dropped at once, and so is any late frame of
 * an older or interrupted turn still in flight.
 */
import type { ClientMessage, ServerEvent } from '../../src/events.js';
import { createAudioEngine, type AudioEngine } from './audio-engine.js';
import { decodeAudioFrame } from './audio-frame.js';
import { startMicCapture, type MicCapture } from './mic-capture.js';
import { createPlayback, type Playback } from './playback.js';
import type { PlaybackReport } from './playback-messages.js';
import { createPushToTalkGate, defaultSilenceFrames } from './push-to-talk-gate.js';
import { createTalkConnection, type ConnectionStatus, type TalkConnection } from './talk-connection.js';
import { createVideoPlayer, type VideoPlayer } from './video-player.js';
import { widgetAddress } from './widget-address.js';
import { WidgetError } from './widget-error.js';
import { initialState, snapshotState, type PersonaWidgetState } from './widget-state.js';
import { renderView, type WidgetView } from './widget-view.js';
import { bindControls } from './widget-controls.js';

export type { PersonaWidgetState } from './widget-state.js';
export { WidgetError } from './widget-error.js';

const frameMs = 20;
const silentFrame = new Int16Array(320);

export class PersonaWidget extends HTMLElement {
  static readonly observedAttributes = ['server', 'token', 'persona', 'voice', 'adapter', 'mode', 'video'];

  #view: WidgetView | undefined;
  #connection: TalkConnection | undefined;
  #audio: AudioEngine = createAudioEngine();
  #playback: Playback | undefined;
  #video: VideoPlayer | undefined;
  #mic: MicCapture | undefined;
  #micStarting: Promise<void> | undefined;
  #silenceTimer: ReturnType<typeof setInterval> | undefined;
  readonly #gate = createPushToTalkGate();
  #state: PersonaWidgetState = initialState();
  #stateQueued = false;
  #reconnectQueued = false;
  #newestTurn = 0;
  /** Turns up to this one are over for this side: their audio is dropped. */
  #silencedThrough = 0;
  #sessionRate = 16000;
  readonly #turnRates = new Map<number, number>();
  #pendingTexts: string[] = [];
  #typedQuestion: string | undefined;
  #timingsShown = false;

  get state(): Readonly<PersonaWidgetState> {
    return snapshotState(this.#state);
  }

  get pushToTalk(): boolean {
    return this.getAttribute('mode') === 'push-to-talk';
  }

  connectedCallback(): void {
    if (!this.#view) this.#view = this.#render();
    this.#playback = createPlayback(this.#audio, (report) => this.#played(report), (error) => this.#showError(error));
    this.#video = createVideoPlayer(this.#view.video, (message) => this.#view?.showError(message, 'video'));
    this.#view.setPushToTalk(this.pushToTalk);
    this.#connect();
  }

  disconnectedCallback(): void {
    this.#connection?.close();
    this.#connection = undefined;
    this.stopMic();
    this.#playback?.close();
    this.#playback = undefined;
    this.#video?.reset();
    void this.#audio.close();
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || !this.#view) return;
    if (name === 'mode') {
      this.#gate.reset();
      this.#view.setPushToTalk(this.pushToTalk);
      this.#view.setTalkHeld(false);
      return;
    }
    // A new token, server or persona means a new session; several changes in one task make one.
    if (!this.#connection || this.#reconnectQueued) return;
    this.#reconnectQueued = true;
    queueMicrotask(() => {
      this.#reconnectQueued = false;
      if (!this.isConnected) return;
      this.#connection?.close();
      this.#connect();
    });
  }

  /** Starts the microphone; a refusal is shown in the widget (typing still works), never thrown. */
  startMic(): Promise<void> {
    if (this.#mic) return Promise.resolve();
    this.#micStarting ??= (async () => {
      try {
        const mic = await startMicCapture(this.#audio, (pcm) => this.#micFrame(pcm));
        if (!this.isConnected) {
          mic.stop();
          return;
        }
        clearInterval(this.#silenceTimer);
        this.#mic = mic;
        this.#update({ micActive: true });
        this.#view?.setMicActive(true);
      } catch (error) {
        this.#showError(error);
      } finally {
        this.#micStarting = undefined;
      }
    })();
    return this.#micStarting;
  }

  stopMic(): void {
    if (!this.#mic) return;
    const wasSending = !this.pushToTalk || this.#gate.held;
    this.#mic.stop();
    this.#mic = undefined;
    this.#gate.reset();
    this.#view?.setTalkHeld(false);
    this.#view?.setMicActive(false);
    this.#update({ micActive: false });
    // The mic may have stopped mid-utterance: the silence lets the server's VAD end it now.
    if (wasSending) this.#sendSilenceTail();
  }

  /** Asks by text; barges in on an answer still playing. Sent once the session is ready. */
  ask(text: string): void {
    const question = text.trim();
    if (!question) return;
    this.#bargeIn();
    this.#typedQuestion = question;
    this.#view?.setTranscript(question, true);
    if (this.#state.sessionReady && this.#send({ type: 'text', text: question })) return;
    this.#pendingTexts.push(question);
  }

  interrupt(): void {
    this.#bargeIn();
    this.#send({ type: 'interrupt' });
  }

  /** Drops the connection and opens a new one at once (a new server session). */
  reconnect(): void {
    if (!this.#connection) this.#connect();
    else this.#connection.reconnect();
  }

  #render(): WidgetView {
    const root = this.attachShadow({ mode: 'open' });
    const view = renderView(root);
    // Every touch of the widget is a user gesture: the moment a suspended AudioContext may start.
    for (const type of ['pointerdown', 'keydown']) root.addEventListener(type, () => this.#audio.resume(), { capture: true });
    bindControls(view, {
      toggleMic: () => (this.#mic ? this.stopMic() : void this.startMic()),
      ask: (text) => this.ask(text),
      toggleTimings: () => {
        this.#timingsShown = !this.#timingsShown;
        view.setTimingsShown(this.#timingsShown);
      },
      pressTalk: () => {
        if (this.#gate.held) return;
        this.#gate.press();
        clearInterval(this.#silenceTimer);
        view.setTalkHeld(true);
        if (!this.#mic) void this.startMic();
      },
      releaseTalk: () => {
        if (!this.#gate.held) return;
        this.#gate.release();
        view.setTalkHeld(false);
      },
    });
    return view;
  }

  #connect(): void {
    const persona = this.getAttribute('persona')?.trim();
    let address;
    try {
      if (!persona) throw new WidgetError('invalid-attribute', 'The persona attribute is missing: <persona-widget persona="…">');
      address = widgetAddress(this.getAttribute('server'), this.getAttribute('token'), location.href);
    } catch (error) {
      this.#connectionStatus('closed', {});
      this.#showError(error);
      return;
    }
    this.#connection = createTalkConnection({
      url: address.talkUrl,
      healthUrl: address.healthUrl,
      sessionStart: () => {
        const voice = this.getAttribute('voice')?.trim();
        const adapter = this.getAttribute('adapter')?.trim();
        return {
          type: 'session-start',
          persona,
          ...(voice ? { voice } : {}),
          ...(adapter ? { adapter } : {}),
          ...(this.hasAttribute('video') ? { video: true } : {}),
        };
      },
      onStatus: (status, detail) => this.#connectionStatus(status, detail),
      onOpen: () => this.#newSession(),
      onEvent: (event) => this.#serverEvent(event),
      onAudio: (frame) => this.#audioFrame(frame),
    });
  }

  #connectionStatus(status: ConnectionStatus, detail: { retryInMs?: number; error?: WidgetError }): void {
    const text =
      status === 'connecting'
        ? 'Connecting…'
        : status === 'connected'
          ? 'Connected — starting the session…'
          : status === 'reconnecting'
            ? detail.retryInMs === undefined
              ? 'Reconnecting…'
              : `Reconnecting in ${Math.max(1, Math.round(detail.retryInMs / 1000))} s…`
            : 'Disconnected';
    this.#view?.setStatus(status, text);
    if (detail.error) this.#showError(detail.error);
    this.#update({ connection: status, ...(status === 'connected' ? {} : { sessionReady: false }) });
  }

  /** A socket opened: the server's turn ids start again, so everything per turn is forgotten. */
  #newSession(): void {
    this.#playback?.flush(Number.MAX_SAFE_INTEGER);
    this.#video?.reset();
    this.#newestTurn = 0;
    this.#silencedThrough = 0;
    this.#turnRates.clear();
    this.#update({ sessionReady: false, currentTurn: null, playedMs: {}, interruptedTurns: [] });
  }

  #serverEvent(event: ServerEvent): void {
    this.dispatchEvent(new CustomEvent('persona-event', { detail: event, bubbles: true, composed: true }));
    const view = this.#view;
    if (!view) return;
    const stale = 'turn' in event && event.turn !== undefined && event.turn < this.#newestTurn;
    switch (event.type) {
      case 'session-ready': {
        this.#sessionRate = event.sampleRate;
        view.showError(undefined);
        view.setStatus('connected', `Connected to ${event.persona}`);
        this.#update({ sessionReady: true });
        const pending = this.#pendingTexts;
        this.#pendingTexts = [];
        for (const text of pending) this.#send({ type: 'text', text });
        return;
      }
      case 'vad-start':
        this.#typedQuestion = undefined;
        this.#noteTurn(event.turn);
        // The user is speaking over the answer: it stops here, not when the server says so.
        this.#silence(event.turn - 1);
        view.setTranscript('', false);
        return;
      case 'vad-end':
        return;
      case 'transcript-delta':
        if (!stale) view.setTranscript(event.text, false);
        return;
      case 'transcript-end':
        if (!stale) view.setTranscript(event.text, true);
        return;
      case 'sources':
        this.#noteTurn(event.turn);
        if (!stale) view.setSources(event.sources);
        return;
      case 'text-delta':
        this.#noteTurn(event.turn);
        if (!stale && event.turn > this.#silencedThrough) view.appendAnswer(event.text);
        return;
      case 'text-end':
        if (event.interrupted) this.#interrupted(event.turn);
        else if (!stale && event.text) view.setAnswer(event.text);
        return;
      case 'audio-start':
        this.#noteTurn(event.turn);
        this.#turnRates.set(event.turn, event.sampleRate);
        return;
      case 'audio-end':
        if (event.interrupted) this.#interrupted(event.turn);
        else this.#playback?.end(event.turn);
        return;
      case 'video-segment':
        if (this.hasAttribute('video') && this.#audible(event.turn)) {
          this.#noteTurn(event.turn);
          this.#video?.append(event);
        }
        return;
      case 'turn-metrics':
        view.setMetrics(event);
        this.#update({ lastMetrics: event });
        return;
      case 'error':
        view.showError(event.message, event.code);
        return;
    }
  }

  #audioFrame(bytes: ArrayBuffer): void {
    const frame = decodeAudioFrame(bytes);
    if (!frame || !this.#audible(frame.turn)) return;
    this.#noteTurn(frame.turn);
    this.#playback?.play(frame.turn, this.#turnRates.get(frame.turn) ?? this.#sessionRate, frame.pcm);
  }

  #audible(turn: number): boolean {
    return turn > this.#silencedThrough && turn >= this.#newestTurn && !this.#state.interruptedTurns.includes(turn);
  }

  /** A turn newer than any seen: the last answer, its sources and any error make way. */
  #noteTurn(turn: number): void {
    if (turn <= this.#newestTurn) return;
    this.#newestTurn = turn;
    const view = this.#view;
    view?.showError(undefined);
    view?.setAnswer('');
    view?.setSources([]);
    view?.setTranscript(this.#typedQuestion ?? '', true);
    this.#typedQuestion = undefined;
    this.#video?.reset();
    this.#update({ currentTurn: turn });
  }

  #interrupted(turn: number): void {
    if (!this.#state.interruptedTurns.includes(turn)) this.#update({ interruptedTurns: [...this.#state.interruptedTurns, turn] });
    this.#silence(turn);
  }

  #bargeIn(): void {
    this.#silence(this.#newestTurn);
    this.#video?.reset();
  }

  /** Drops, at once, the buffered audio of this turn and older ones, and their later frames. */
  #silence(throughTurn: number): void {
    if (throughTurn < 1) return;
    this.#silencedThrough = Math.max(this.#silencedThrough, throughTurn);
    this.#playback?.flush(throughTurn);
  }

  #played(report: PlaybackReport): void {
    if (this.#state.playedMs[report.turn] === report.ms) return;
    this.#update({ playedMs: { ...this.#state.playedMs, [report.turn]: report.ms } });
  }

  #micFrame(pcm: Int16Array<ArrayBuffer>): void {
    if (!this.#state.sessionReady) return;
    const frame = this.pushToTalk ? this.#gate.pass(pcm) : pcm;
    if (frame) this.#connection?.sendAudio(frame);
  }

  #sendSilenceTail(): void {
    clearInterval(this.#silenceTimer);
    let left = defaultSilenceFrames;
    this.#silenceTimer = setInterval(() => {
      if (left-- <= 0 || !this.#state.sessionReady) clearInterval(this.#silenceTimer);
      else this.#connection?.sendAudio(silentFrame);
    }, frameMs);
  }

  #send(message: ClientMessage): boolean {
    return this.#connection?.send(message) ?? false;
  }

  #showError(error: unknown): void {
    if (error instanceof WidgetError) this.#view?.showError(error.message, error.code);
    else this.#view?.showError(error instanceof Error ? error.message : String(error));
  }

  /** Changes the state and tells the page once per task, however many changes it made. */
  #update(change: Partial<PersonaWidgetState>): void {
    this.#state = { ...this.#state, ...change };
    if (this.#stateQueued) return;
    this.#stateQueued = true;
    queueMicrotask(() => {
      this.#stateQueued = false;
      this.dispatchEvent(new CustomEvent('persona-state', { detail: this.state, bubbles: true, composed: true }));
    });
  }
}

if (!customElements.get('persona-widget')) customElements.define('persona-widget', PersonaWidget);

declare global {
  interface HTMLElementTagNameMap {
    'persona-widget': PersonaWidget;
  }
}
