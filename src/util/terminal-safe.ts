/** Whole escape sequences: CSI (colours, cursor), OSC (titles, OSC 52 clipboard, hyperlinks), DCS/SOS/PM/APC, two-byte ESC x. */
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -~])/g;
/** C0 controls but newline and tab, DEL, C1 controls (0x9b is a one-byte CSI), bidi overrides. */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Model output made safe to print on a terminal: escape sequences removed whole, any other
 * control character dropped (a lone ESC split across two stream chunks included, so no
 * sequence can be assembled from pieces), newlines and tabs kept. A model (or a file it
 * quotes) could otherwise set the clipboard (OSC 52), retitle the window, hide text or move
 * the cursor over what the user reads.
 */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '');
}

/** {@link terminalSafe} on every string of an event (nested objects and arrays included). */
export function terminalSafeFields<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map(terminalSafeFields) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terminalSafeFields(v)])) as T;
  return value;
}
