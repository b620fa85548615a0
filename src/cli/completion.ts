import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function register(program: Command, app: App): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', SHELLS.join(' | '))
    .addHelpText(
      'after',
      `
Examples:
  source <(specloop completion bash)          # add to ~/.bashrc
  specloop completion zsh > "\${fpath[1]}/_specloop"
  specloop completion fish > ~/.config/fish/completions/specloop.fish`,
    )
    .action(
      app.action('completion', async (ctx, shell: string) => {
        if (!(SHELLS as readonly string[]).includes(shell))
          throw new UsageError(`unknown shell "${shell}"`, { hint: `choose one of: ${SHELLS.join(', ')}` });
        ctx.stdout.write(completionScript(shell as (typeof SHELLS)[number], program));
        return 0;
      }),
    );
}

interface Spec {
  name: string;
  description: string;
  options: { flag: string; description: string }[];
  subcommands: string[];
}

/** Commands and their long options, read from the program itself: the script never drifts. */
function specOf(program: Command): Spec[] {
  const opts = (c: Command) =>
    c.options.filter((o) => o.long).map((o) => ({ flag: o.long!, description: o.description }));
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    options: [...opts(c), { flag: '--help', description: 'show help' }],
    subcommands: c.commands.map((s) => s.name()),
  }));
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function completionScript(shell: (typeof SHELLS)[number], program: Command): string {
  const specs = specOf(program);
  const globals = program.options.filter((o) => o.long).map((o) => o.long!);
  if (shell === 'bash') {
    const cases = specs.map(
      (s) => `    ${s.name}) words=${q([...s.subcommands, ...s.options.map((o) => o.flag)].join(' '))} ;;`,
    );
    return `# specloop completion for bash: source <(specloop completion bash)
_specloop() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) ;; *) cmd=\${COMP_WORDS[i]}; break ;; esac
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W ${q([...specs.map((s) => s.name), ...globals].join(' '))} -- "$cur"))
    return
  fi
  case $cmd in
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o default -F _specloop specloop
`;
  }
  if (shell === 'zsh') {
    const describe = specs.map((s) => `    ${q(`${s.name}:${s.description.replace(/:/g, '\\:')}`)}`);
    const cases = specs.map(
      (s) => `    ${s.name}) compadd -- ${[...s.subcommands, ...s.options.map((o) => o.flag)].join(' ')} ;;`,
    );
    return `#compdef specloop
# specloop completion for zsh: specloop completion zsh > "\${fpath[1]}/_specloop"
_specloop() {
  local -a commands
  commands=(
${describe.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case $words[2] in
${cases.join('\n')}
  esac
  _files
}
compdef _specloop specloop
`;
  }
  const lines = ['# specloop completion for fish', 'complete -c specloop -f'];
  for (const s of specs) {
    lines.push(`complete -c specloop -n __fish_use_subcommand -a ${s.name} -d ${q(s.description)}`);
    for (const sub of s.subcommands)
      lines.push(`complete -c specloop -n ${q(`__fish_seen_subcommand_from ${s.name}`)} -a ${sub}`);
    for (const o of s.options)
      lines.push(
        `complete -c specloop -n ${q(`__fish_seen_subcommand_from ${s.name}`)} -l ${o.flag.slice(2)} -d ${q(o.description)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
