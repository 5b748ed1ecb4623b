/**
 * The widget's controls wired to what they do: the mic button, the text box, the timings
 * toggle, and hold-to-talk on the talk button — the pointer held (captured, so sliding off
 * the button does not end it) or Space/Enter held, released on pointer up, cancel, key up,
 * or losing focus.
 */
import type { WidgetView } from './widget-view.js';

export interface ControlHandlers {
  toggleMic(): void;
  ask(text: string): void;
  toggleTimings(): void;
  pressTalk(): void;
  releaseTalk(): void;
}

export function bindControls(view: WidgetView, handlers: ControlHandlers): void {
  view.mic.addEventListener('click', () => handlers.toggleMic());
  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    handlers.ask(view.textInput.value);
    view.textInput.value = '';
  });
  view.timingsToggle.addEventListener('click', () => handlers.toggleTimings());

  const talk = view.talk;
  const isTalkKey = (event: KeyboardEvent): boolean => event.key === ' ' || event.key === 'Enter';
  const release = (): void => handlers.releaseTalk();
  talk.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    talk.setPointerCapture(event.pointerId);
    handlers.pressTalk();
  });
  talk.addEventListener('pointerup', release);
  talk.addEventListener('pointercancel', release);
  talk.addEventListener('keydown', (event) => {
    if (!isTalkKey(event)) return;
    event.preventDefault();
    if (!event.repeat) handlers.pressTalk();
  });
  talk.addEventListener('keyup', (event) => {
    if (!isTalkKey(event)) return;
    event.preventDefault();
    release();
  });
  talk.addEventListener('blur', release);
}
