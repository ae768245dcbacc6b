import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The README's API examples must work when copied: docs/examples/walkthrough.sh runs them against the
// services (readme-examples.e2e.spec.ts), and this checks that it runs the README's own words.

const ROOT = join(__dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const walkthrough = readFileSync(join(ROOT, 'docs/examples/walkthrough.sh'), 'utf8');

/** Shell commands of a text: a line continued by a trailing `\` or an open quote joins the next, comments go, spaces collapse. */
function shellCommands(text: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\' && quote === '"') {
        current += char + (text[++i] ?? '');
        continue;
      }
      if (char === quote) quote = undefined;
      current += char;
    } else if (char === '\\' && text[i + 1] === '\n') {
      current += ' ';
      i++;
    } else if (char === '\\') {
      current += char + (text[++i] ?? '');
    } else if (char === '#' && (current === '' || /\s$/.test(current))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (char === '\n') {
      commands.push(current);
      current = '';
    } else {
      if (char === '"' || char === "'") quote = char;
      current += char;
    }
  }
  commands.push(current);
  return commands.map((command) => command.replace(/\s+/g, ' ').trim()).filter((command) => command !== '');
}

/** the README's `sh` blocks */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
}

// what a reader copies to call the API: every curl, and the variables and helper those use
const isExample = (command: string) => /\bcurl\s/.test(command) || /^[A-Z_]+=/.test(command) || command.startsWith('field()');

describe('the README examples', () => {
  const examples = shellBlocks(readme).flatMap(shellCommands).filter(isExample);

  it('are all in docs/examples/walkthrough.sh, word for word, so that its test runs what the README prints', () => {
    const script = new Set(shellCommands(walkthrough));
    expect(examples.length).toBeGreaterThan(50);
    expect(examples.filter((example) => !script.has(example))).toEqual([]);
  });

  it('name no fixed date or week: those are computed from now in the shell', () => {
    const fixed = /\b\d{4}-(W\d{2}|\d{2}-\d{2})\b/;
    expect(examples.filter((example) => fixed.test(example))).toEqual([]);
  });

  it('split commands as the shell does: continued lines, quoted newlines, comments', () => {
    const text = `A=$(curl -s -X POST http://h/x \\\n  -d '{"a":1,\n  "b":"# not a comment"}' | field id)   # a comment\n# only a comment\ncurl -s "http://h/y?week=$WEEK" -H "If-Match: \\"$V\\""\n`;
    expect(shellCommands(text)).toEqual([
      `A=$(curl -s -X POST http://h/x -d '{"a":1, "b":"# not a comment"}' | field id)`,
      `curl -s "http://h/y?week=$WEEK" -H "If-Match: \\"$V\\""`,
    ]);
  });
});
