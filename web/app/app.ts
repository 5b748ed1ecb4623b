/**
 * The installable web app: a session token (from the link, sessionStorage or a pasted
 * one), a persona picker, that persona's past conversations, and the voice widget
 * (`<persona-widget>`, loaded by its own script tag) to talk to it. No framework: the
 * page's markup is in public/index.html and this file only fills and toggles it.
 *
 * `document.body.dataset.appState` says where the app is (`token`, `loading`, `ready`,
 * `empty`), for tests and for styling.
 */
import { ApiError, createApiClient, type ApiClient, type PersonaSummary } from './api-client.js';
import { markOpenConversation, renderConversationList, renderTurns } from './history-view.js';
import { forgetToken, storedToken, storeToken, takeTokenFromAddress, tokenExpiry, tokenProblem } from './session-token.js';

/** The widget's surface that the app uses (web/widget/persona-widget.ts defines the element). */
interface PersonaWidgetElement extends HTMLElement {
  interrupt?(): void;
}

type AppState = 'token' | 'loading' | 'ready' | 'empty';

const historyLimit = 50;
const lastPersonaKey = 'persona.last-persona';
/** Turns end in bursts (text-end, audio-end, turn-metrics): one history reload after them is enough. */
const historyRefreshDelayMs = 500;
const widgetLoadWaitMs = 5000;

const page = {
  personaChoice: find<HTMLElement>('persona-choice'),
  picker: find<HTMLSelectElement>('persona-picker'),
  signOut: find<HTMLButtonElement>('sign-out'),
  error: find<HTMLElement>('app-error'),
  status: find<HTMLElement>('status'),
  tokenSection: find<HTMLElement>('token-section'),
  tokenForm: find<HTMLFormElement>('token-form'),
  tokenProblem: find<HTMLElement>('token-problem'),
  workspace: find<HTMLElement>('workspace'),
  talkHeading: find<HTMLElement>('talk-heading'),
  personaFacts: find<HTMLElement>('persona-facts'),
  widgetSlot: find<HTMLElement>('widget-slot'),
  history: find<HTMLOListElement>('history'),
  historyEmpty: find<HTMLElement>('history-empty'),
  refreshHistory: find<HTMLButtonElement>('refresh-history'),
  conversation: find<HTMLElement>('conversation'),
  conversationHeading: find<HTMLElement>('conversation-heading'),
  closeConversation: find<HTMLButtonElement>('close-conversation'),
  turns: find<HTMLOListElement>('turns'),
};
const tokenInput = page.tokenForm.querySelector<HTMLInputElement>('input[name="token"]')!;

let token: string | undefined;
let api: ApiClient | undefined;
let personas: PersonaSummary[] = [];
let selected: PersonaSummary | undefined;
let widget: PersonaWidgetElement | undefined;
let openConversationId: string | undefined;
let historyLoad: AbortController | undefined;
let conversationLoad: AbortController | undefined;
let sessionLoad: AbortController | undefined;
let historyRefreshTimer: ReturnType<typeof setTimeout> | undefined;

function find<Type extends HTMLElement>(role: string): Type {
  const found = document.querySelector<Type>(`[data-role="${role}"]`);
  if (!found) throw new Error(`index.html has no element with data-role="${role}"`);
  return found;
}

function setState(state: AppState): void {
  document.body.dataset.appState = state;
}

function announce(message: string): void {
  page.status.textContent = message;
}

function showError(message: string): void {
  page.error.textContent = message;
  page.error.hidden = false;
}

function clearError(): void {
  page.error.hidden = true;
  page.error.textContent = '';
}

function showTokenForm(reason?: string): void {
  sessionLoad?.abort();
  historyLoad?.abort();
  conversationLoad?.abort();
  token = undefined;
  api = undefined;
  unmountWidget();
  setState('token');
  page.workspace.hidden = true;
  page.personaChoice.hidden = true;
  page.signOut.hidden = true;
  page.tokenSection.hidden = false;
  if (reason) showError(reason);
  else clearError();
  tokenInput.focus();
}

/** Any failed call: a token problem sends the user back to the token form; anything else is shown and the app stays. */
function handleFailure(error: unknown): void {
  if (error instanceof DOMException && error.name === 'AbortError') return;
  if (error instanceof ApiError && error.needsNewToken) {
    forgetToken();
    showTokenForm(`${error.message.replace(/\.?$/, '.')} Paste a new session token to go on.`);
    return;
  }
  announce('');
  showError(error instanceof Error ? error.message : String(error));
}

async function useToken(candidate: string): Promise<void> {
  const expiry = tokenExpiry(candidate);
  if (expiry && expiry.getTime() <= Date.now()) {
    forgetToken();
    showTokenForm(`The session token expired at ${expiry.toLocaleString()}. Make a new one with persona keys token and paste it here.`);
    return;
  }
  storeToken(candidate);
  token = candidate;
  api = createApiClient({ server: window.location.origin, token: candidate });
  page.tokenSection.hidden = true;
  page.signOut.hidden = false;
  clearError();
  setState('loading');
  announce('Loading personas…');
  sessionLoad?.abort();
  const controller = new AbortController();
  sessionLoad = controller;
  try {
    personas = await api.personas(controller.signal);
  } catch (error) {
    handleFailure(error);
    return;
  }
  if (personas.length === 0) {
    setState('empty');
    announce('');
    showError('These credentials see no persona on this server. Ingest one first (persona ingest --persona ID …), or ask for a token for a persona that exists.');
    return;
  }
  page.picker.replaceChildren(
    ...personas.map((persona) => {
      const option = document.createElement('option');
      option.value = persona.id;
      option.textContent = persona.displayName ? `${persona.displayName} (${persona.id})` : persona.id;
      return option;
    }),
  );
  page.personaChoice.hidden = false;
  page.workspace.hidden = false;
  setState('ready');
  selectPersona(initialPersona());
}

/** `?persona=` in the address, else the one picked last time, else the first. */
function initialPersona(): string {
  const named = new URL(window.location.href).searchParams.get('persona') ?? readLastPersona();
  return personas.some((persona) => persona.id === named) ? named! : personas[0]!.id;
}

function readLastPersona(): string | null {
  try {
    return window.localStorage.getItem(lastPersonaKey);
  } catch {
    return null;
  }
}

function selectPersona(id: string): void {
  const persona = personas.find((candidate) => candidate.id === id);
  if (!persona || !token) return;
  selected = persona;
  page.picker.value = persona.id;
  try {
    window.localStorage.setItem(lastPersonaKey, persona.id);
  } catch {
    // Only a convenience for the next visit.
  }
  const name = persona.displayName ?? persona.id;
  page.talkHeading.textContent = `Talk to ${name}`;
  page.personaFacts.textContent = `${persona.chunks} ${persona.chunks === 1 ? 'passage' : 'passages'} in their corpus · ${persona.conversations} ${persona.conversations === 1 ? 'conversation' : 'conversations'}`;
  document.title = `${name} · Persona`;
  mountWidget(persona.id, token);
  closeConversation({ restoreFocus: false });
  void loadHistory();
}

function mountWidget(persona: string, sessionToken: string): void {
  unmountWidget();
  const created = document.createElement('persona-widget') as PersonaWidgetElement;
  created.setAttribute('server', window.location.origin);
  created.setAttribute('token', sessionToken);
  created.setAttribute('persona', persona);
  created.addEventListener('persona-event', onWidgetEvent);
  page.widgetSlot.append(created);
  widget = created;
  if (!customElements.get('persona-widget')) void warnIfWidgetMissing();
}

function unmountWidget(): void {
  if (!widget) return;
  widget.removeEventListener('persona-event', onWidgetEvent);
  // Removing it closes its connection (disconnectedCallback); a half-spoken answer stops first.
  widget.interrupt?.();
  widget.remove();
  widget = undefined;
}

async function warnIfWidgetMissing(): Promise<void> {
  const defined = await Promise.race([
    customElements.whenDefined('persona-widget').then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), widgetLoadWaitMs)),
  ]);
  if (!defined) showError('The voice widget did not load (/widget/persona-widget.js). The history still works; talking needs the widget: run npm run build on the server.');
}

function onWidgetEvent(event: Event): void {
  const detail = (event as CustomEvent<unknown>).detail;
  const type = typeof detail === 'object' && detail !== null ? (detail as { type?: unknown }).type : undefined;
  // A finished turn is a new or longer conversation in the store.
  if (type === 'turn-metrics' || type === 'text-end') {
    clearTimeout(historyRefreshTimer);
    historyRefreshTimer = setTimeout(() => void loadHistory(), historyRefreshDelayMs);
  }
}

async function loadHistory(): Promise<void> {
  if (!api || !selected) return;
  historyLoad?.abort();
  const controller = new AbortController();
  historyLoad = controller;
  announce(`Loading conversations with ${selected.displayName ?? selected.id}…`);
  try {
    const conversations = await api.conversations(selected.id, historyLimit, controller.signal);
    renderConversationList(page.history, conversations, (id) => void openConversation(id));
    markOpenConversation(page.history, openConversationId);
    page.historyEmpty.hidden = conversations.length > 0;
    announce(conversations.length === 0 ? 'No conversations yet.' : `${conversations.length} ${conversations.length === 1 ? 'conversation' : 'conversations'} loaded.`);
  } catch (error) {
    handleFailure(error);
  }
}

async function openConversation(id: string): Promise<void> {
  if (!api || !selected) return;
  conversationLoad?.abort();
  const controller = new AbortController();
  conversationLoad = controller;
  try {
    const conversation = await api.conversation(id, controller.signal);
    openConversationId = conversation.id;
    renderTurns(page.turns, conversation, selected.displayName ?? selected.id);
    const started = new Date(conversation.startedAt);
    page.conversationHeading.textContent = Number.isNaN(started.getTime()) ? 'Conversation' : `Conversation of ${started.toLocaleString()}`;
    page.conversation.hidden = false;
    markOpenConversation(page.history, conversation.id);
    page.conversationHeading.focus();
  } catch (error) {
    handleFailure(error);
  }
}

function closeConversation(options: { restoreFocus: boolean }): void {
  conversationLoad?.abort();
  const wasOpen = openConversationId;
  openConversationId = undefined;
  page.conversation.hidden = true;
  page.turns.replaceChildren();
  markOpenConversation(page.history, undefined);
  if (options.restoreFocus && wasOpen) page.history.querySelector<HTMLButtonElement>(`button[data-conversation-id="${CSS.escape(wasOpen)}"]`)?.focus();
}

function registerServiceWorker(): void {
  // Service workers exist only in secure contexts (https, or localhost).
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/service-worker.js', { scope: '/' }).catch((error: unknown) => {
    // Offline start-up is lost, nothing else: the app works without it.
    console.warn('Persona: the service worker could not be registered', error);
  });
}

page.tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = tokenInput.value.trim();
  const problem = tokenProblem(value);
  page.tokenProblem.hidden = problem === undefined;
  page.tokenProblem.textContent = problem ?? '';
  tokenInput.setAttribute('aria-invalid', String(problem !== undefined));
  if (problem) {
    tokenInput.focus();
    return;
  }
  tokenInput.value = '';
  void useToken(value);
});

page.signOut.addEventListener('click', () => {
  forgetToken();
  showTokenForm();
});

page.picker.addEventListener('change', () => selectPersona(page.picker.value));
page.refreshHistory.addEventListener('click', () => void loadHistory());
page.closeConversation.addEventListener('click', () => closeConversation({ restoreFocus: true }));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !page.conversation.hidden && page.conversation.contains(document.activeElement)) {
    closeConversation({ restoreFocus: true });
  }
});

registerServiceWorker();
const initialToken = takeTokenFromAddress() ?? storedToken();
if (initialToken) void useToken(initialToken);
else showTokenForm();
