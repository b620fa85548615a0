/**
 * Comment removal for the common languages, as a small lexer rather than regexes: it
 * walks strings, template literals, regex literals and char literals so that `"//"`,
 * `'/* x *\/'` or `s = "# not a comment"` survive. Lines that held only a comment are
 * dropped; code keeps its layout. Unknown file types are returned unchanged.
 */

interface Syntax {
  line: string[];
  block: [string, string][];
  /** Quote chars that open strings; `raw` ones have no backslash escapes. */
  quotes: string;
  rawQuotes?: string;
  /** Python-style ''' and """ strings. */
  triple?: boolean;
  /** JS/TS: template literals with ${…} and regex literals. */
  js?: boolean;
  /** Rust: nested block comments, r#"…"# strings, 'a lifetimes. */
  rust?: boolean;
  nestedBlocks?: boolean;
  /** `#` (or the line starter) only counts at a line start or after whitespace (shell, YAML). */
  lineNeedsSpace?: boolean;
  /** Quotes only open a string after a non-word char (YAML: `don't` is plain text). */
  quoteNeedsBoundary?: boolean;
  /** SCSS/Less: skip unquoted `url(…)`, which may contain `//`. */
  cssUrl?: boolean;
}

const C: Syntax = { line: ['//'], block: [['/*', '*/']], quotes: `"'` };
const JS: Syntax = { ...C, quotes: `"'`, js: true };
const HASH: Syntax = { line: ['#'], block: [], quotes: `"'`, lineNeedsSpace: true };

const BY_EXT: Record<string, Syntax> = {};
const add = (exts: string, s: Syntax) => {
  for (const e of exts.split(' ')) BY_EXT[e] = s;
};
add('js jsx mjs cjs ts tsx mts cts', JS);
add('c h cc cpp cxx hpp hh hxx ino java kt kts scala swift dart groovy gradle proto m mm cs zig', C);
add('go', { ...C, rawQuotes: '`' });
add('rs', { ...C, rust: true, nestedBlocks: true });
add('php', { line: ['//', '#'], block: [['/*', '*/']], quotes: `"'` });
add('css', { line: [], block: [['/*', '*/']], quotes: `"'` });
add('scss less', { line: ['//'], block: [['/*', '*/']], quotes: `"'`, cssUrl: true });
add('py pyi', { line: ['#'], block: [], quotes: `"'`, triple: true });
add('rb', { line: ['#'], block: [], quotes: `"'` });
add('sh bash zsh fish r', { ...HASH, rawQuotes: "'" });
add('yaml yml', { ...HASH, quoteNeedsBoundary: true });
add('toml', { line: ['#'], block: [], quotes: `"'` });
add('sql', { line: ['--'], block: [['/*', '*/']], quotes: `"'` });
add('html htm xml xhtml vue svelte', { line: [], block: [['<!--', '-->']], quotes: '' });
add('lua', { line: ['--'], block: [['--[[', ']]']], quotes: `"'` });
const BY_NAME: Record<string, Syntax> = {
  Makefile: HASH,
  makefile: HASH,
  Dockerfile: HASH,
  Containerfile: HASH,
};

/** The syntax for a path, or undefined when we do not strip comments from it. */
function syntaxFor(path: string): Syntax | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const byName = BY_NAME[base];
  if (byName) return byName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? BY_EXT[base.slice(dot + 1).toLowerCase()] : undefined;
}

/** Whether `--remove-comments` changes files like `path`. */
export function canRemoveComments(path: string): boolean {
  return syntaxFor(path) !== undefined;
}

const REGEX_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);
const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_$]/u.test(c);
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v';

/** Remove comments from `text` (a file at `path`). */
export function removeComments(text: string, path: string): string {
  const syn = syntaxFor(path);
  return syn ? new Stripper(text, syn).run() : text;
}

class Stripper {
  /** Output so far, plus the source range [from, i) not yet copied (code is copied lazily). */
  private parts: string[] = [];
  /** Output text after its last newline (what a comment shares its line with). */
  private tail = '';
  private from = 0;
  private i = 0;
  /** Last non-space code char and the word it ended (JS regex detection). */
  private lastSig = '';
  private lastWord = '';

  constructor(
    private readonly s: string,
    private readonly syn: Syntax,
  ) {}

  run(): string {
    if (this.s.startsWith('#!')) {
      const nl = this.s.indexOf('\n');
      this.i = nl < 0 ? this.s.length : nl; // keep the shebang line
    }
    this.code(false);
    this.flush();
    return this.parts.join('');
  }

  private flush(): void {
    if (this.i <= this.from) return;
    const chunk = this.s.slice(this.from, this.i);
    this.parts.push(chunk);
    const nl = chunk.lastIndexOf('\n');
    this.tail = nl < 0 ? this.tail + chunk : chunk.slice(nl + 1);
    this.from = this.i;
  }

  /** Remove the last `n` chars of output (all within `tail`). */
  private unwrite(n: number): void {
    this.tail = this.tail.slice(0, this.tail.length - n);
    while (n > 0) {
      const last = this.parts.pop()!;
      if (last.length > n) {
        this.parts.push(last.slice(0, last.length - n));
        return;
      }
      n -= last.length;
    }
  }

  private note(c: string): void {
    if (isSpace(c) || c === '\n') return;
    if (isWord(c)) this.lastWord = isWord(this.lastSig) ? this.lastWord + c : c;
    else this.lastWord = '';
    this.lastSig = c;
  }

  private value(): void {
    this.lastSig = '"';
    this.lastWord = '';
  }

  /** Lex code until the end (or, inside a template `${`, until its closing brace). */
  private code(inTemplate: boolean): void {
    const { s, syn } = this;
    let depth = 0;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (inTemplate) {
        if (c === '{') depth++;
        else if (c === '}') {
          if (depth === 0) return;
          depth--;
        }
      }
      if (this.tryComment()) continue;
      if (syn.cssUrl && s.startsWith('url(', this.i)) {
        const end = s.indexOf(')', this.i);
        this.i = end < 0 ? s.length : end + 1;
        continue;
      }
      if (syn.triple && (s.startsWith('"""', this.i) || s.startsWith("'''", this.i))) {
        this.string(s.slice(this.i, this.i + 3), true);
        continue;
      }
      if (syn.rust && this.rustSpecial()) continue;
      if (syn.quotes.includes(c) || syn.rawQuotes?.includes(c) || (syn.js && c === '`')) {
        if (!syn.quoteNeedsBoundary || !isWord(s[this.i - 1])) {
          if (syn.js && c === '`') this.template();
          else this.string(c, !syn.rawQuotes?.includes(c));
          continue;
        }
      }
      if (syn.js && c === '/' && this.regexAllowed() && this.regex()) continue;
      this.note(c);
      this.i++;
    }
  }

  private regexAllowed(): boolean {
    if (this.lastSig === '') return true;
    if ('(,=:[!&|?{};+-*%<>~^'.includes(this.lastSig)) return true;
    return REGEX_KEYWORDS.has(this.lastWord);
  }

  /** A JS regex literal at i; false (nothing consumed) when it is not one. */
  private regex(): boolean {
    const s = this.s;
    let j = this.i + 1;
    if (s[j] === '/' || s[j] === '*') return false;
    let inClass = false;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === '\n') return false;
      if (c === '\\') j++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    if (j >= s.length) return false;
    j++;
    while (j < s.length && /[a-z]/i.test(s[j]!)) j++;
    this.i = j;
    this.lastSig = ')'; // a regex is a value: a following `/` divides
    this.lastWord = '';
    return true;
  }

  private string(quote: string, escapes: boolean): void {
    const s = this.s;
    let j = this.i + quote.length;
    while (j < s.length) {
      if (escapes && s[j] === '\\') j += 2;
      else if (s.startsWith(quote, j)) {
        j += quote.length;
        break;
      } else if (s[j] === '\n' && quote.length === 1 && this.syn.js) {
        break; // unterminated JS string: stop at the line end rather than eat the file
      } else j++;
    }
    this.i = Math.min(j, s.length);
    this.value();
  }

  private template(): void {
    const s = this.s;
    this.i++;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '\\') this.i += 2;
      else if (c === '`') {
        this.i++;
        break;
      } else if (c === '$' && s[this.i + 1] === '{') {
        this.i += 2;
        this.lastSig = '{';
        this.code(true);
        if (this.i < s.length) this.i++; // the closing brace
      } else this.i++;
    }
    this.i = Math.min(this.i, s.length);
    this.value();
  }

  /** Rust raw strings r#"…"# and lifetimes ('a is not a char literal). */
  private rustSpecial(): boolean {
    const s = this.s;
    const c = s[this.i];
    if ((c === 'r' || c === 'b') && !isWord(s[this.i - 1])) {
      const m = /^b?r(#*)"/.exec(s.slice(this.i, this.i + 64));
      if (m) {
        const close = `"${m[1]}`;
        const end = s.indexOf(close, this.i + m[0].length);
        this.i = end < 0 ? s.length : end + close.length;
        this.value();
        return true;
      }
    }
    if (c === "'") {
      const isChar = s[this.i + 1] === '\\' || s[this.i + 2] === "'" || s[this.i + 3] === "'";
      if (!isChar) {
        this.i++; // a lifetime
        return true;
      }
    }
    return false;
  }

  /** A comment at i: drop it (and its line when nothing else is on it). */
  private tryComment(): boolean {
    const { s, syn } = this;
    for (const starter of syn.line) {
      if (!s.startsWith(starter, this.i)) continue;
      if (syn.lineNeedsSpace && this.i > 0 && !isSpace(s[this.i - 1]) && s[this.i - 1] !== '\n') continue;
      if (syn.block.some(([open]) => open.startsWith(starter) && s.startsWith(open, this.i))) break;
      const nl = s.indexOf('\n', this.i);
      this.dropComment(nl < 0 ? s.length : nl);
      return true;
    }
    for (const [open, close] of syn.block) {
      if (!s.startsWith(open, this.i)) continue;
      let end: number;
      if (syn.nestedBlocks) {
        let depth = 0;
        let j = this.i;
        for (; j < s.length; j++) {
          if (s.startsWith(open, j)) {
            depth++;
            j += open.length - 1;
          } else if (s.startsWith(close, j)) {
            depth--;
            j += close.length - 1;
            if (depth === 0) break;
          }
        }
        end = Math.min(j + 1, s.length);
      } else {
        const k = s.indexOf(close, this.i + open.length);
        end = k < 0 ? s.length : k + close.length;
      }
      this.dropComment(end);
      return true;
    }
    return false;
  }

  /** Drop s[i, end). A comment alone on its line(s) takes the line with it. */
  private dropComment(end: number): void {
    const s = this.s;
    this.flush();
    let after = end;
    while (after < s.length && isSpace(s[after])) after++;
    const restIsEmpty = after >= s.length || s[after] === '\n';
    if (this.tail.trim() === '' && restIsEmpty) {
      this.unwrite(this.tail.length);
      this.i = after < s.length ? after + 1 : after; // the whole line goes
    } else {
      if (restIsEmpty) this.unwrite(this.tail.length - this.tail.trimEnd().length);
      else if (!isSpace(this.tail[this.tail.length - 1]) && !isSpace(s[end])) this.parts.push(' '); // a/**/b
      this.i = end;
    }
    this.from = this.i;
  }
}
