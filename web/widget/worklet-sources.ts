/**
 * The two worklets' code, put in at build time by scripts/build-web.ts (each worklet is
 * bundled on its own first), so a host page needs only the widget's one `<script>`.
 * `addModule` takes a URL, hence the Blob URLs.
 */
declare const PERSONA_CAPTURE_WORKLET: string;
declare const PERSONA_PLAYBACK_WORKLET: string;

export function workletModuleUrls(): string[] {
  return [PERSONA_CAPTURE_WORKLET, PERSONA_PLAYBACK_WORKLET].map((source) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
}
