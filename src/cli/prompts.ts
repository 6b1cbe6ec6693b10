import { CircleError } from '../core/errors.js';
import { commandStreams } from './io.js';

/**
 * Interactive prompts (on stderr via @inquirer/prompts). Commands call these only
 * after `canPrompt()`; the library is imported on use to keep start-up fast.
 */

/** Prompts read the command's stdin and draw on its stderr: the streams its Io uses. */
function promptContext(): { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } {
  const streams = commandStreams();
  return { input: streams.stdin, output: streams.stderr };
}
export async function promptText(message: string, defaultValue?: string): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input({ message, ...(defaultValue ? { default: defaultValue } : {}) }, promptContext());
}

export async function promptPassword(message = 'Password'): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message, mask: '*' }, promptContext());
}

/**
 * Asks twice and checks with `validate` (the password policy) before accepting. A repeat
 * that differs asks for both again rather than ending the command: one typo should not
 * throw away a wizard's earlier answers.
 */
export async function promptNewPassword(validate: (password: string) => void, message = 'New password'): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  for (;;) {
    const first = await password(
      {
        message,
        mask: '*',
        validate: (value) => {
          try {
            validate(value);
            return true;
          } catch (error) {
            return error instanceof Error ? error.message : String(error);
          }
        },
      },
      promptContext(),
    );
    const again = await password({ message: 'Repeat it', mask: '*' }, promptContext());
    if (again === first) return first;
    promptContext().output.write('The passwords do not match; enter it again.\n');
  }
}

export async function promptCode(message = 'Authenticator code (or a recovery code)'): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input({ message, validate: (v) => (v.trim() ? true : 'Enter a code') }, promptContext());
}

export async function promptConfirm(message: string, defaultValue = false): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: defaultValue }, promptContext());
}

/**
 * The otpauth:// URI as a QR code for the terminal. Without colour (NO_COLOR, --no-color)
 * it is drawn with block characters only: light modules as full blocks, as a light-on-dark
 * terminal shows them, with the quiet zone a scanner needs.
 */
export async function terminalQr(uri: string, colour: boolean): Promise<string> {
  const qrcode = await import('qrcode');
  if (colour) return qrcode.toString(uri, { type: 'terminal', small: true });
  return qrcode.toString(uri, { type: 'utf8', margin: 2, color: { dark: '#ffffff', light: '#000000' } });
}
