/**
 * ffmpeg arguments for the still avatar: the portrait looped as video under the audio.
 *
 * Both modes scale the portrait into a 640×640 box with even sides (yuv420p needs even
 * dimensions; 640×640 is 1600 macroblocks, inside H.264 level 3.0's 1620, which the live
 * codec string promises). The file mode cuts with `-t`: the shipped ffmpeg's `-shortest`
 * overshoots by up to a GOP. The live mode cannot know the length in advance, so the video
 * is clocked by the audio instead: a tiny waveform video drawn from the audio is overlaid off
 * the frame with `shortest=1`, which ends the picture on the audio's last frame and keeps
 * ffmpeg from encoding video ahead of audio that has not arrived yet.
 */
export const stillFrameRate = 25;

const fitPortrait =
  "scale=w='trunc(min(1,min(640/iw,640/ih))*iw/2)*2':h='trunc(min(1,min(640/iw,640/ih))*ih/2)*2',format=yuv420p";

/** Raw PCM needs no probing; without these ffmpeg reads seconds of stdin before encoding any. */
function pcmInput(sampleRate: number): string[] {
  return ['-probesize', '32', '-analyzeduration', '0', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0'];
}

function portraitInput(portrait: string): string[] {
  return ['-loop', '1', '-framerate', String(stillFrameRate), '-i', portrait];
}

/** AAC at 48 kHz: 21 ms frames keep the audio track's padding well under the 0.1 s the file promises. */
const aacOutput = ['-c:a', 'aac', '-b:a', '96k', '-ar', '48000'];

/** A whole faststart MP4 (moov before mdat), `seconds` long, written to `outFile` (needs a seekable file). */
export function stillFileArguments(portrait: string, sampleRate: number, seconds: number, outFile: string): string[] {
  return [
    '-nostdin', '-hide_banner', '-v', 'error',
    ...portraitInput(portrait),
    ...pcmInput(sampleRate),
    '-map', '0:v', '-map', '1:a',
    '-t', seconds.toFixed(3),
    '-vf', fitPortrait,
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', '-pix_fmt', 'yuv420p',
    ...aacOutput,
    '-movflags', '+faststart',
    '-f', 'mp4', '-y', outFile,
  ];
}

/** Fragmented MP4 on stdout, one fragment per second of audio, constrained baseline for MSE. */
export function stillLiveArguments(portrait: string, sampleRate: number): string[] {
  const graph =
    `[0:a]asplit=2[audio][clockaudio];` +
    `[clockaudio]showwaves=s=16x16:rate=${stillFrameRate}:mode=point,format=yuv420p[clock];` +
    `[1:v]${fitPortrait}[still];` +
    `[still][clock]overlay=x=-64:y=-64:shortest=1:eof_action=endall[video]`;
  return [
    '-nostdin', '-hide_banner', '-v', 'error',
    ...pcmInput(sampleRate),
    ...portraitInput(portrait),
    '-filter_complex', graph,
    '-map', '[video]', '-map', '[audio]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage,zerolatency',
    '-profile:v', 'baseline', '-level', '3.0', '-pix_fmt', 'yuv420p',
    '-g', String(stillFrameRate), '-keyint_min', String(stillFrameRate), '-sc_threshold', '0',
    ...aacOutput,
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
    '-flush_packets', '1',
    '-f', 'mp4', 'pipe:1',
  ];
}
