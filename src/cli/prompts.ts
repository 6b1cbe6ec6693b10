import { CircleError } from '../core/errors.js';

/**
 * Interactive prompts (on stderr via @inquirer/prompts). Commands call these only
 * after `canPrompt()`; the library is imported on use to keep start-up fast.
 */
export async function promptText(message: string, defaultValue?: string): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input({ message, ...(defaultValue ? { default: defaultValue } : {}) }, { output: process.stderr });
}

export async function promptPassword(message = 'Password'): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message, mask: '*' }, { output: process.stderr });
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
      { output: process.stderr },
    );
    const again = await password({ message: 'Repeat it', mask: '*' }, { output: process.stderr });
    if (again === first) return first;
    process.stderr.write('The passwords do not match; enter it again.\n');
  }
}

export async function promptCode(message = 'Authenticator code (or a recovery code)'): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input({ message, validate: (v) => (v.trim() ? true : 'Enter a code') }, { output: process.stderr });
}

export async function promptConfirm(message: string, defaultValue = false): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: defaultValue }, { output: process.stderr });
}

/** The otpauth:// URI as a QR code for the terminal. */
export async function terminalQr(uri: string): Promise<string> {
  const qrcode = await import('qrcode');
  return qrcode.toString(uri, { type: 'terminal', small: true });
}
