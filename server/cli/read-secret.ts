/**
 * Reads one line of secret text from standard input. From a terminal it prompts on standard error and
 * does not echo what is typed; from a pipe it takes the first line. Rejects when input ends before a line
 * or when Ctrl-C is pressed.
 */
export async function readSecretLine(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return readFirstPipedLine();

  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: string): void => {
        for (const character of chunk) {
          if (character === '\r' || character === '\n') {
            input.off('data', onData);
            process.stderr.write('\n');
            resolve(typed);
            return;
          }
          if (character === '\u0003') {
            input.off('data', onData);
            reject(new Error('cancelled'));
            return;
          }
          typed = character === '\u007f' || character === '\b' ? Array.from(typed).slice(0, -1).join('') : typed + character;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}

async function readFirstPipedLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line.length === 0) throw new Error('no password on standard input');
  return line;
}
