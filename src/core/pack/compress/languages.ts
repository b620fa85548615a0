/** How one language's functions are found and what their elided body becomes. */
export interface LanguageRule {
  /** Grammar file in @vscode/tree-sitter-wasm/wasm/ (without `tree-sitter-` and `.wasm`). */
  grammar: string;
  /** Node types whose `body` field is elided (function-like declarations). */
  functions: string[];
  /** How the body is replaced: braces (`{ … }`), Python's indented `...`, Ruby's `# …`. */
  marker: 'braces' | 'python' | 'ruby';
}

const JS_FUNCTIONS = [
  'function_declaration',
  'function_expression',
  'function',
  'generator_function_declaration',
  'generator_function',
  'arrow_function',
  'method_definition',
];

const js = (grammar: string): LanguageRule => ({ grammar, functions: JS_FUNCTIONS, marker: 'braces' });
const C_FUNCTIONS = ['function_definition'];

/**
 * Extension → rule. The grammars are the ones @vscode/tree-sitter-wasm ships; it has no
 * C grammar, so C is parsed with the C++ one (C's function definitions parse the same).
 * Languages it lacks (Kotlin, Swift, Scala, Lua, …) are packed whole, and the pack says so.
 */
export const LANGUAGES: Record<string, LanguageRule> = {
  js: js('javascript'),
  jsx: js('javascript'),
  mjs: js('javascript'),
  cjs: js('javascript'),
  ts: js('typescript'),
  mts: js('typescript'),
  cts: js('typescript'),
  tsx: js('tsx'),
  py: { grammar: 'python', functions: ['function_definition'], marker: 'python' },
  pyi: { grammar: 'python', functions: ['function_definition'], marker: 'python' },
  go: {
    grammar: 'go',
    functions: ['function_declaration', 'method_declaration', 'func_literal'],
    marker: 'braces',
  },
  rs: { grammar: 'rust', functions: ['function_item'], marker: 'braces' },
  java: { grammar: 'java', functions: ['method_declaration', 'constructor_declaration'], marker: 'braces' },
  c: { grammar: 'cpp', functions: C_FUNCTIONS, marker: 'braces' },
  h: { grammar: 'cpp', functions: C_FUNCTIONS, marker: 'braces' },
  cpp: { grammar: 'cpp', functions: C_FUNCTIONS, marker: 'braces' },
  cc: { grammar: 'cpp', functions: C_FUNCTIONS, marker: 'braces' },
  cxx: { grammar: 'cpp', functions: C_FUNCTIONS, marker: 'braces' },
  hpp: { grammar: 'cpp', functions: C_FUNCTIONS, marker: 'braces' },
  hh: { grammar: 'cpp', functions: C_FUNCTIONS, marker: 'braces' },
  cs: {
    grammar: 'c-sharp',
    functions: [
      'method_declaration',
      'constructor_declaration',
      'local_function_statement',
      'operator_declaration',
      'destructor_declaration',
    ],
    marker: 'braces',
  },
  rb: { grammar: 'ruby', functions: ['method', 'singleton_method'], marker: 'ruby' },
  php: { grammar: 'php', functions: ['function_definition', 'method_declaration'], marker: 'braces' },
};

/** Languages people ask for that have no grammar in the package (named in docs/pack.md). */
export const MISSING_GRAMMARS = [
  'c (parsed with the C++ grammar)',
  'kotlin',
  'swift',
  'scala',
  'lua',
  'dart',
];

export function ruleFor(path: string): LanguageRule | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? LANGUAGES[base.slice(dot + 1).toLowerCase()] : undefined;
}
