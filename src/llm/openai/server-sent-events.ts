/**
 * A Server-Sent Events decoder following the WHATWG event-stream rules: bytes in, whole
 * events out. Network chunks split lines, UTF-8 characters and events anywhere, so all
 * state carries over between `push` calls. Lines end in LF, CRLF or a lone CR; `:` starts
 * a comment (servers send them as keep-alives); several `data:` lines of one event are
 * joined with "\n"; a blank line dispatches the event.
 */
export interface ServerSentEvent {
  /** The `event:` field; "message" when the server sent none. */
  event: string;
  data: string;
  id?: string;
}

export interface ServerSentEventDecoder {
  push(bytes: Uint8Array): ServerSentEvent[];
  /**
   * The stream ended. A last line without its line ending is dropped (it was cut), but
   * complete `data:` lines still waiting for their blank line are dispatched: some
   * servers close right after `data: [DONE]\n`, and that answer is whole.
   */
  end(): ServerSentEvent[];
}

export function createServerSentEventDecoder(): ServerSentEventDecoder {
  // The default decoder drops a leading byte-order mark, as the spec asks.
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  /** The previous chunk ended in CR: an LF opening this one belongs to that line ending. */
  let skipLeadingLineFeed = false;
  let data: string[] = [];
  let eventType = '';
  let lastEventId: string | undefined;

  function dispatch(events: ServerSentEvent[]): void {
    if (data.length > 0) {
      const event: ServerSentEvent = { event: eventType || 'message', data: data.join('\n') };
      if (lastEventId !== undefined) event.id = lastEventId;
      events.push(event);
    }
    data = [];
    eventType = '';
  }

  function processLine(line: string, events: ServerSentEvent[]): void {
    if (line === '') return dispatch(events);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventType = value;
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    // `retry` and unknown fields do not concern a single request's stream.
  }

  function processText(text: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (skipLeadingLineFeed && text.startsWith('\n')) text = text.slice(1);
    if (text.length > 0) skipLeadingLineFeed = false;
    const buffer = pending + text;
    let start = 0;
    // `pending` holds no line ending, so only the new text needs scanning.
    for (let index = pending.length; index < buffer.length; index += 1) {
      const character = buffer[index];
      if (character !== '\n' && character !== '\r') continue;
      processLine(buffer.slice(start, index), events);
      if (character === '\r') {
        if (index + 1 === buffer.length) skipLeadingLineFeed = true;
        else if (buffer[index + 1] === '\n') index += 1;
      }
      start = index + 1;
    }
    pending = buffer.slice(start);
    return events;
  }

  return {
    push(bytes) {
      return processText(decoder.decode(bytes, { stream: true }));
    },
    end() {
      const events = processText(decoder.decode());
      pending = '';
      dispatch(events);
      return events;
    },
  };
}
