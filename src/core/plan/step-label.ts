/**
 * Recognise the `Step N: Title` label shared by plan headings and todo items. Lenient
 * about what models and humans actually write: `Step 3 - Title`, `**Step 3:** Title`,
 * `**Step 3: Title**`, `Step 3. Title`. A bare `Step 3` matches with an empty title.
 */
const LABEL = /^([*_]{0,2})\s*step\s+(\d+)\s*([*_]{0,2})(?:\s*[:.)\-–—]\s*|\s+|$)([*_]{0,2})\s*([\s\S]*)$/i;

export function matchStepLabel(raw: string): { number: number; title: string } | undefined {
  const m = LABEL.exec(raw.trim());
  if (!m) return undefined;
  const lead = m[1]!;
  // A marker right after the separator closes `**Step 3:**`; without an opening one it starts the title.
  const rest = lead || m[3] ? m[5]! : m[4]! + m[5]!;
  let title = rest.replace(/\s+/g, ' ').trim();
  // `**Step 3: Title**`: the closing marker belongs to the label's opening one.
  if (lead.length === 2 && title.endsWith(lead) && title.split(lead).length % 2 === 0)
    title = title.slice(0, -2).trim();
  return { number: Number(m[2]), title };
}

/** Compare titles the way a reader would: ignore case, markdown emphasis, spacing, end punctuation. */
export function normaliseTitle(title: string): string {
  return title
    .replace(/[`*_]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[.:;!]+$/, '')
    .trim()
    .toLowerCase();
}
