/** Base64 runs at least this long are shortened (shorter ones are ids, hashes, keys). */
const MIN_RUN = 256;
/** Characters kept from the start of a run, so the reader can still tell what it was. */
const KEEP = 32;

// A long run of the base64 alphabet (optionally padded). Runs of one letter case with no
// digit are left alone: those are words or identifiers glued together, not encoded data.
const RUN = new RegExp(`[A-Za-z0-9+/]{${MIN_RUN},}={0,2}`, 'g');
const looksEncoded = (s: string) => /[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s);

/**
 * `--truncate-base64`: every long base64 run (data URIs, embedded fonts and images,
 * inlined blobs) becomes its first characters and a marker saying how many were cut.
 */
export function truncateBase64(text: string): string {
  if (text.length < MIN_RUN) return text;
  return text.replace(RUN, (run) =>
    looksEncoded(run) ? `${run.slice(0, KEEP)}…[base64 truncated: ${run.length - KEEP} more chars]` : run,
  );
}
