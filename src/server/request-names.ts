/**
 * The names a request may give for a voice or an adapter. Both end up in file paths
 * (`voices/NAME`, the adapter vault), so anything that could leave its folder (`../`, `/`)
 * is refused with a 400 naming the field, instead of quietly meaning "the default".
 */
import { z } from 'zod';

/** As `voices/NAME` folders and the WebSocket's session-start accept them. */
export const voiceNameSchema = z.string({ message: 'a voice name' }).regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'a voice name: 1 to 64 letters, digits, "-" and "_" (no "/" or "..")');

/** As the adapter vault's ids (`persona adapters list`): dots allowed, never a path separator or a leading dot. */
export const adapterNameSchema = z.string({ message: 'an adapter id' }).regex(/^[a-z0-9][a-z0-9._-]{0,127}$/i, 'an adapter id: letters, digits, ".", "-" and "_", starting with a letter or digit (no "/")').refine((name) => !name.includes('..'), 'an adapter id: no ".."');
