import { rememberedSecrets } from "./secrets.js";
import { scrubText } from "./text.js";

// Log lines carry strings an outsider chose (paths, webhook fields, error
// messages echoing them). Each is cut to a bound before it is written, so a
// line costs the same whatever the input's size. Only a window a little
// longer than the bound is scrubbed: a secret, card number, email or PEM
// marker that straddles the cut is still whole in the window and masked
// there, and what lies past the window is never written.

/** Longest string a log line keeps (longer ones are cut, with their length noted). */
export const MAX_LOGGED_CHARS = 512;
/** Stack traces keep more: their frames are what an operator reads them for. */
export const MAX_LOGGED_STACK_CHARS = 4_096;
// Longer than any email, card number, phone number or PEM marker the scrubber masks.
const WINDOW_MARGIN = 256;

/** `text` scrubbed and cut to at most `max` characters (the cut marked with the original length). */
export function scrubBounded(text: string, max = MAX_LOGGED_CHARS, extraSecrets: readonly string[] = []): string {
  if (text.length <= max) return scrubText(text, extraSecrets);
  let longestSecret = 0;
  for (const secret of [...extraSecrets, ...rememberedSecrets()]) longestSecret = Math.max(longestSecret, secret.length);
  const window = text.slice(0, max + Math.max(WINDOW_MARGIN, longestSecret));
  // Counted inside the bound, so a cut string is never cut again: scrubbing stays idempotent.
  const note = `…[cut: ${text.length} chars]`;
  return scrubText(window, extraSecrets).slice(0, max - note.length) + note;
}
