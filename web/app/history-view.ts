/**
 * Draws the conversation history: the list of past conversations and the turns of one.
 * Text from the store is put in with textContent only: it is the corpus's and the
 * user's words, never markup.
 */
import type { ConversationDetail, ConversationSummary, SourceReference } from './api-client.js';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function renderConversationList(list: HTMLOListElement, conversations: readonly ConversationSummary[], open: (id: string) => void): void {
  list.replaceChildren(
    ...conversations.map((conversation) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.conversationId = conversation.id;
      const question = element('span', 'question', conversation.firstQuestion ?? '(nothing asked)');
      const meta = element('span', 'meta', '');
      meta.append(timeElement(conversation.startedAt), ` · ${conversation.turns} ${conversation.turns === 1 ? 'turn' : 'turns'}`);
      button.append(question, meta);
      button.addEventListener('click', () => open(conversation.id));
      item.append(button);
      return item;
    }),
  );
}

/** Marks which listed conversation is open, for sight (style) and for screen readers (aria-current). */
export function markOpenConversation(list: HTMLOListElement, id: string | undefined): void {
  for (const button of list.querySelectorAll<HTMLButtonElement>('button[data-conversation-id]')) {
    if (button.dataset.conversationId === id) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }
}

export function renderTurns(list: HTMLOListElement, conversation: ConversationDetail, personaName: string): void {
  list.replaceChildren(
    ...conversation.turns.map((turn) => {
      const item = document.createElement('li');
      item.className = 'turn';
      item.dataset.turnRole = turn.role;
      const speaker = turn.role === 'user' ? 'You' : turn.role === 'persona' ? personaName : 'System';
      const meta = element('span', 'meta', `${speaker} · `);
      meta.append(timeElement(turn.createdAt));
      item.append(meta, element('p', '', turn.text));
      const sources = turn.sources.map(describeSource).filter((text) => text !== '');
      if (sources.length > 0) {
        const details = document.createElement('details');
        details.append(element('summary', '', `${sources.length} ${sources.length === 1 ? 'source' : 'sources'}`));
        const sourceList = document.createElement('ul');
        sourceList.append(...sources.map((text) => element('li', '', text)));
        details.append(sourceList);
        item.append(details);
      }
      return item;
    }),
  );
}

function describeSource(source: SourceReference): string {
  const name = source.label ?? source.source ?? '';
  const page = source.page === undefined ? '' : `, page ${source.page}`;
  const date = source.date ? ` (${source.date.slice(0, 10)})` : '';
  return name === '' ? '' : `${name}${page}${date}`;
}

function timeElement(iso: string): HTMLTimeElement {
  const time = document.createElement('time');
  time.dateTime = iso;
  const date = new Date(iso);
  time.textContent = Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
  return time;
}

function element<Name extends keyof HTMLElementTagNameMap>(name: Name, className: string, text: string): HTMLElementTagNameMap[Name] {
  const created = document.createElement(name);
  if (className !== '') created.className = className;
  created.textContent = text;
  return created;
}
